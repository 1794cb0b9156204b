import { LogLevel, type Logger } from "@slack/bolt";
import { ErrorCode, WebClient } from "@slack/web-api";

// Bolt checks the bot token with auth.test before it can serve, and its Web API client retries a
// network failure for about half an hour, logging only "fetch failed". Before handing over to
// Bolt, cosell checks that Slack's API answers at all, with its own bounded wait that says where
// it is trying to reach.

export const DEFAULT_SLACK_API_URL = "https://slack.com/api/";
export const DEFAULT_SLACK_STARTUP_TIMEOUT_MS = 30_000;

export class SlackUnreachableError extends Error {
  override name = "SlackUnreachableError";
}

export interface SlackStartupStatus {
  state: "connecting" | "unreachable" | "connected";
  apiUrl: string;
  /** why the last attempt failed */
  reason?: string;
}

export interface WaitForSlackOptions {
  token: string;
  apiUrl: string | undefined;
  timeoutMs: number;
  logger: Logger;
  /** told of each change (the health endpoint shows it) */
  onStatus?: (status: SlackStartupStatus) => void;
  /** for tests */
  sleep?: (ms: number) => Promise<void>;
}

/** What went wrong reaching Slack, in a few words: "fetch failed (ECONNREFUSED)", "HTTP 503". */
function describeSlackFailure(err: unknown): string {
  const e = err as { code?: string; original?: unknown; statusCode?: number; message?: string };
  if (e.code === ErrorCode.HTTPError) return `HTTP ${e.statusCode ?? "error"}`;
  if (e.code === ErrorCode.RateLimitedError) return "rate limited";
  const original = (e.code === ErrorCode.RequestError ? e.original : err) as
    | { message?: string; name?: string; cause?: { code?: string; message?: string } }
    | undefined;
  const message = original?.name === "TimeoutError" ? "no answer (timed out)" : (original?.message ?? String(err));
  const cause = original?.cause?.code ?? original?.cause?.message;
  return cause && !message.includes(cause) ? `${message} (${cause})` : message;
}

/** Slack did not answer; worth trying again (as opposed to Slack answering "invalid_auth"). */
function isUnreachable(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === ErrorCode.RequestError || code === ErrorCode.HTTPError || code === ErrorCode.RateLimitedError;
}

const quiet: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

/**
 * Calls auth.test until Slack's API answers, for at most `timeoutMs`. Network failures, Slack
 * 5xx and rate limits are retried (with a short back-off); an answer from Slack ends the wait,
 * an error answer (invalid_auth, …) is thrown as is. Throws SlackUnreachableError at the deadline.
 */
export async function waitForSlack(opts: WaitForSlackOptions): Promise<void> {
  const apiUrl = opts.apiUrl ?? DEFAULT_SLACK_API_URL;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = Date.now() + opts.timeoutMs;
  const seconds = Math.round(opts.timeoutMs / 100) / 10;
  let delay = 250;
  let failures = 0;
  let reason = "";
  opts.onStatus?.({ state: "connecting", apiUrl });
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    const client = new WebClient(opts.token, {
      slackApiUrl: apiUrl,
      retryConfig: { retries: 0 },
      timeout: Math.max(500, Math.min(10_000, remaining)),
      logger: quiet,
    });
    try {
      await client.auth.test();
      if (failures > 0) opts.logger.info(`Slack's API at ${apiUrl} answers now (after ${failures} failed attempt${failures === 1 ? "" : "s"})`);
      opts.onStatus?.({ state: "connected", apiUrl });
      return;
    } catch (err) {
      if (!isUnreachable(err)) throw err;
      failures++;
      reason = describeSlackFailure(err);
      opts.onStatus?.({ state: "unreachable", apiUrl, reason });
      if (failures === 1) {
        opts.logger.warn(
          `Slack's API cannot be reached at ${apiUrl} (auth.test: ${reason}). Retrying for up to ${seconds} s (COSELL_SLACK_STARTUP_TIMEOUT_MS); /readyz answers 503 meanwhile.`,
        );
      } else {
        opts.logger.debug(`Slack's API at ${apiUrl} still cannot be reached (attempt ${failures}: ${reason})`);
      }
    }
    const wait = Math.min(delay, deadline - Date.now());
    if (wait > 0) await sleep(wait);
    delay = Math.min(delay * 2, 5_000);
  }
  throw new SlackUnreachableError(
    `Slack's API cannot be reached at ${apiUrl}: gave up after ${seconds} s (COSELL_SLACK_STARTUP_TIMEOUT_MS)${reason ? `; last error: ${reason}` : ""}. ` +
      `Check SLACK_API_URL (unset means Slack's own API), the network, DNS and any proxy or firewall.`,
  );
}
