import { z } from "zod";

export class ConfigError extends Error {}

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== "" ? v.trim() : undefined));

export const configSchema = z.object({
  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_API_URL: optionalString.pipe(z.url({ message: "must be a URL such as http://localhost:4000/api/" }).optional()),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: optionalString,
  COSELL_DATA_DIR: optionalString.transform((v) => v ?? ".data"),
  COSELL_ADMINS: optionalString.transform((v) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  ),
  /** Program timezone; seeds the program settings on first start. */
  TZ: optionalString,
  COSELL_TIMEZONE: optionalString,
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** how long a process may hold an outbox row it is sending before another may take it over */
  COSELL_OUTBOX_LOCK_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  /** how long start-up waits for Slack's API (auth.test) to answer before giving up with exit code 1 */
  COSELL_SLACK_STARTUP_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  /** "false" turns the scheduler off (e.g. a web-only replica). */
  COSELL_JOBS: optionalString.transform((v) => v !== "false"),
  /** GET /metrics needs `Authorization: Bearer <token>` */
  COSELL_METRICS_TOKEN: optionalString,
  /** serve /metrics on this port instead (no token), bound to COSELL_METRICS_HOST */
  COSELL_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  COSELL_METRICS_HOST: optionalString.transform((v) => v ?? "127.0.0.1"),
  /** json (default) or pretty (one readable line per event; the default when stderr is a terminal) */
  COSELL_LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  /** HubSpot private app: its access token (API calls) and its app's client secret (webhook signatures) */
  HUBSPOT_ACCESS_TOKEN: optionalString,
  HUBSPOT_CLIENT_SECRET: optionalString,
  /** base URL of HubSpot's API (default https://api.hubapi.com); tests and the playground point it at a fake */
  HUBSPOT_API_URL: optionalString.pipe(z.url({ message: "must be a URL such as http://localhost:4100" }).optional()),
  /** the HubSpot account (portal) id: events from any other portal are ignored */
  HUBSPOT_PORTAL_ID: optionalString,
  /** the public base URL the CRM calls (https://cosell.example.com), for the webhook signature's URI behind a proxy */
  COSELL_PUBLIC_URL: optionalString.pipe(z.url({ message: "must be a URL such as https://cosell.example.com" }).optional()),
});

export interface Config {
  slack: {
    botToken: string;
    signingSecret: string;
    appToken: string | undefined;
    apiUrl: string | undefined;
  };
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  admins: string[];
  timezone: string;
  logLevel: "debug" | "info" | "warn" | "error";
  jobs: boolean;
  /** default 60 s */
  outboxLockMs?: number;
  /** how long start-up waits for Slack's API to answer (default 30 s) */
  slackStartupTimeoutMs?: number;
  /** how /metrics is served: behind a bearer token, on its own port, or not at all */
  metrics?: { token: string | undefined; port: number | undefined; host: string };
  logFormat?: "json" | "pretty";
  /** connected CRMs (absent: not connected) */
  crm?: { hubspot?: HubSpotConfig; publicUrl?: string };
}

export interface HubSpotConfig {
  accessToken: string;
  clientSecret: string;
  apiUrl: string;
  portalId: string | undefined;
}

const DEFAULT_HUBSPOT_API_URL = "https://api.hubapi.com";

const README_SECTION = 'README.md, section "Connect a Slack workspace"';

/**
 * No Slack credentials at all (neither token, secret nor app token): `npm start` runs the local
 * playground instead of serving Slack. One of them missing is still an error.
 */
export function wantsPlayground(env: NodeJS.ProcessEnv = process.env): boolean {
  return (["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"] as const).every((k) => !env[k]?.trim());
}

/** Parses the environment once. Throws ConfigError with a message a person can act on. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}\nSee ${README_SECTION}.`);
  }
  const e = parsed.data;
  const missing = (["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"] as const).filter((k) => !e[k]);
  if (missing.length > 0) {
    throw new ConfigError(
      `Missing ${missing.join(" and ")}: cosell needs the Slack app's bot token and signing secret to serve Slack.\n` +
        `Set ${missing.join(" and ")} in the environment (see ${README_SECTION}).`,
    );
  }
  if (Boolean(e.HUBSPOT_ACCESS_TOKEN) !== Boolean(e.HUBSPOT_CLIENT_SECRET)) {
    const absent = e.HUBSPOT_ACCESS_TOKEN ? "HUBSPOT_CLIENT_SECRET" : "HUBSPOT_ACCESS_TOKEN";
    throw new ConfigError(
      `${absent} is missing: HubSpot needs both the private app's access token (HUBSPOT_ACCESS_TOKEN) and its client secret (HUBSPOT_CLIENT_SECRET, for webhook signatures). See README.md, section "Connect HubSpot".`,
    );
  }
  const timezone = e.COSELL_TIMEZONE ?? e.TZ ?? "UTC";
  if (!isValidTimezone(timezone)) {
    throw new ConfigError(`Unknown timezone "${timezone}" in COSELL_TIMEZONE/TZ: use an IANA name such as Europe/Berlin. See ${README_SECTION}.`);
  }
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN!,
      signingSecret: e.SLACK_SIGNING_SECRET!,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
    },
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.COSELL_DATA_DIR,
    admins: e.COSELL_ADMINS,
    timezone,
    logLevel: e.LOG_LEVEL,
    jobs: e.COSELL_JOBS,
    outboxLockMs: e.COSELL_OUTBOX_LOCK_MS,
    slackStartupTimeoutMs: e.COSELL_SLACK_STARTUP_TIMEOUT_MS,
    metrics: { token: e.COSELL_METRICS_TOKEN, port: e.COSELL_METRICS_PORT, host: e.COSELL_METRICS_HOST },
    logFormat: e.COSELL_LOG_FORMAT,
    crm: {
      ...(e.HUBSPOT_ACCESS_TOKEN && e.HUBSPOT_CLIENT_SECRET
        ? {
            hubspot: {
              accessToken: e.HUBSPOT_ACCESS_TOKEN,
              clientSecret: e.HUBSPOT_CLIENT_SECRET,
              apiUrl: e.HUBSPOT_API_URL ?? DEFAULT_HUBSPOT_API_URL,
              portalId: e.HUBSPOT_PORTAL_ID,
            },
          }
        : {}),
      ...(e.COSELL_PUBLIC_URL ? { publicUrl: e.COSELL_PUBLIC_URL } : {}),
    },
  };
}

function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
