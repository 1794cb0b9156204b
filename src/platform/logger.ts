import { LogLevel, type Logger } from "@slack/bolt";
import pino from "pino";
import { currentRequest } from "./request-context";

// Structured logs: one JSON object a line (pino) — time, level, name, msg, and the Slack
// interaction being handled (reqId, kind, id, user) — or a readable line when a person watches
// (stderr is a terminal, or COSELL_LOG_FORMAT=pretty). Tokens and secrets never reach the logs,
// whatever is logged: the message is redacted before pino sees it.

const SECRET_PATTERNS: RegExp[] = [/xox[abposr]-[A-Za-z0-9-]+/g, /xapp-[A-Za-z0-9-]+/g];

function redact(text: string, secrets: string[] = []): string {
  let out = text;
  for (const p of SECRET_PATTERNS) out = out.replace(p, "[redacted]");
  for (const s of secrets) if (s && s.length >= 6) out = out.split(s).join("[redacted]");
  return out;
}

function format(args: unknown[]): string {
  return args
    .map((a) => {
      if (a instanceof Error) return a.stack ?? a.message;
      if (typeof a === "string") return a;
      try {
        return JSON.stringify(a, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
      } catch {
        return String(a);
      }
    })
    .join(" ");
}

const PINO_LEVEL: Record<LogLevel, pino.Level> = { [LogLevel.DEBUG]: "debug", [LogLevel.INFO]: "info", [LogLevel.WARN]: "warn", [LogLevel.ERROR]: "error" };

export type LogFormat = "json" | "pretty";

interface LogRecord {
  time: string;
  level: string;
  name: string;
  msg: string;
  reqId?: string;
  kind?: string;
  id?: string;
  user?: string;
}

/** A JSON line as a person reads it: `2026-12-03T10:00:00.000Z INFO [cosell] message (req 1a2b3c4d action deal_ask U123)`. */
function pretty(line: string): string {
  try {
    const r = JSON.parse(line) as LogRecord;
    const req = r.reqId ? ` (req ${[r.reqId, r.kind, r.id, r.user].filter(Boolean).join(" ")})` : "";
    return `${r.time} ${r.level.toUpperCase()} [${r.name}] ${r.msg}${req}`;
  } catch {
    return line;
  }
}

/** A Bolt-compatible logger on pino that redacts tokens and the signing secret. */
export function createLogger(
  opts: { level?: LogLevel | string; secrets?: string[]; sink?: (line: string) => void; format?: LogFormat; name?: string } = {},
): Logger {
  const fmt: LogFormat = opts.format ?? (process.env.COSELL_LOG_FORMAT === "pretty" || (!opts.sink && process.stderr.isTTY) ? "pretty" : "json");
  const sink = opts.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  const stream = { write: (chunk: string) => sink(fmt === "pretty" ? pretty(chunk.trimEnd()) : chunk.trimEnd()) };
  let level = ((opts.level as LogLevel) ?? LogLevel.INFO) as LogLevel;
  const base = pino(
    {
      level: PINO_LEVEL[level] ?? "info",
      base: undefined,
      messageKey: "msg",
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => ({ ...currentRequest() }),
    },
    stream,
  );
  let log = base.child({ name: opts.name ?? "cosell" });
  const emit = (l: LogLevel, args: unknown[]) => log[PINO_LEVEL[l]](redact(format(args), opts.secrets));
  return {
    debug: (...a) => emit(LogLevel.DEBUG, a),
    info: (...a) => emit(LogLevel.INFO, a),
    warn: (...a) => emit(LogLevel.WARN, a),
    error: (...a) => emit(LogLevel.ERROR, a),
    setLevel: (l) => {
      level = l;
      base.level = PINO_LEVEL[l] ?? "info";
      log.level = base.level;
    },
    getLevel: () => level,
    setName: (n) => {
      log = base.child({ name: n });
    },
  };
}
