import { LogLevel, type Logger } from "@slack/bolt";

// Tokens and secrets must never reach the logs, whatever object is being logged.
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

const ORDER: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 0,
  [LogLevel.INFO]: 1,
  [LogLevel.WARN]: 2,
  [LogLevel.ERROR]: 3,
};

/** A Bolt-compatible logger that redacts tokens and the signing secret. */
export function createLogger(opts: { level?: LogLevel | string; secrets?: string[]; sink?: (line: string) => void } = {}): Logger {
  let level = (opts.level as LogLevel) ?? LogLevel.INFO;
  let name = "cosell";
  const sink = opts.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  const emit = (l: LogLevel, args: unknown[]) => {
    if (ORDER[l] < ORDER[level]) return;
    sink(`${new Date().toISOString()} ${l.toUpperCase()} [${name}] ${redact(format(args), opts.secrets)}`);
  };
  return {
    debug: (...a) => emit(LogLevel.DEBUG, a),
    info: (...a) => emit(LogLevel.INFO, a),
    warn: (...a) => emit(LogLevel.WARN, a),
    error: (...a) => emit(LogLevel.ERROR, a),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n) => {
      name = n;
    },
  };
}
