/**
 * Settings, from the environment only (secrets never live in files the app reads). Every setting
 * has a safe default so `npm start` works with none; `.env.example` documents each one.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseBoardChannels } from './app/board-channel.js';
import { LANGUAGES } from './domain/policy/schema.js';

/** "board-agency-id=channel, ..." as a map from Board agency id to channel. */
const boardChannels = z
  .string()
  .transform((text, ctx) => parseBoardChannels(text) ?? (ctx.addIssue({ code: 'custom', message: 'must be "board-agency-id=channel" pairs separated by commas' }), z.NEVER))
  .optional();

const Config = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** A folder of extra policy files (YAML or JSON) loaded beside the built-in procedures. */
  POLICY_DIR: z.string().min(1).optional(),
  /** The directory of agencies and people; the demo directory shipped with the app by default (found from src/ or dist/ alike). */
  DIRECTORY_FILE: z.string().min(1).default(fileURLToPath(new URL('../demo/directory.yaml', import.meta.url))),
  /** Where the embedded database keeps its files when DATABASE_URL is not set. */
  DATA_DIR: z.string().min(1).default('data'),
  /**
   * The key of the audit chain (HMAC-SHA256), so that someone who can write to the database
   * cannot re-compute it after a rewrite. Required in production; see open-store for development.
   */
  AUDIT_KEY: z.string().min(32, 'must be at least 32 characters (e.g. from: openssl rand -hex 32)').optional(),
  /** A postgres:// URL for a PostgreSQL server; empty for the embedded store in DATA_DIR. */
  DATABASE_URL: z.string().min(1).optional(),
  /**
   * MongoDB only: how long an operation waits for a primary, and a write for a majority (ms).
   * Longer than an election, so a failover slows requests rather than failing them.
   */
  MONGODB_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Reminders before a stage's deadline, at these fractions of the time allowed (comma-separated; empty for none). */
  REMINDER_FRACTIONS: z
    .string()
    .default('0.5')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean).map(Number))
    .pipe(z.array(z.number().gt(0).lt(1))),
  /** And this many working days before it (0 for none). */
  REMINDER_WORKING_DAYS_BEFORE: z.coerce.number().int().min(0).max(10).default(1),
  /** The London hour of the Board managers' daily digest on working days. */
  DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(8),
  /** How often the scheduler looks for jobs coming due, in milliseconds. */
  JOBS_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /**
   * How long an instance may hold a job it is running (ms). A job held by an instance that died
   * is run by another after this; handlers take well under a second.
   */
  JOBS_LOCK_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  /**
   * The Azure Bot registration (the Agents SDK's own names). Without clientId the Teams endpoint
   * accepts unauthenticated requests, which is allowed only outside production and only when
   * HOST is a loopback address.
   */
  clientId: z.string().min(1).optional(),
  /**
   * The Board's Teams channel, when it is configured rather than learned by installing the app
   * in the Board's team: the channel's id (19:...@thread.tacv2) and the tenant's service URL.
   */
  BOARD_CHANNEL_ID: z.string().min(1).optional(),
  /** Where several Boards share the procedure (Derby City, Derbyshire): each Board's own Teams channel, "board-agency-id=19:...@thread.tacv2, ...". */
  BOARD_CHANNEL_IDS: boardChannels,
  BOARD_SERVICE_URL: z.string().url().optional(),
  /**
   * The language of the procedure's words in the Board channel's notices (read by many, so not one
   * person's choice): `cy` for Welsh where the policy has it; English by default.
   */
  BOARD_LANGUAGE: z.enum(LANGUAGES).default('en'),
  clientSecret: z.string().min(1).optional(),
  tenantId: z.string().min(1).optional(),
  /**
   * Slack (Slack's own names). Slack is on when the signing secret and the bot token are both
   * set; with an app-level token (xapp-) it uses Socket Mode instead of POST /slack/events.
   */
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', 'must be a bot token (xoxb-...)').optional(),
  SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'must be an app-level token (xapp-...)').optional(),
  /** Where the Slack Web API is (tests point it at a local recording server). */
  SLACK_API_URL: z.string().url().optional(),
  /** The Slack channel id (C...) for the Board's notices; the app must be a member of it. Unset: the one chosen in Slack by someone with a Board role. */
  SLACK_BOARD_CHANNEL: z.string().min(1).optional(),
  /** Where several Boards share the procedure: each Board's own Slack channel, "board-agency-id=C..., ...". Unset for a Board: the one chosen in Slack by someone of that Board, else SLACK_BOARD_CHANNEL. */
  SLACK_BOARD_CHANNELS: boardChannels,
});
export type Config = z.infer<typeof Config>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; message: string };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ConfigResult {
  // Empty strings (a blank line in .env) mean "not set".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([k, v]) => v !== undefined && (v !== '' || k === 'REMINDER_FRACTIONS')));
  const parsed = Config.safeParse(cleaned);
  if (parsed.success) {
    if (parsed.data.NODE_ENV === 'production' && !parsed.data.clientId) {
      return { ok: false, message: 'In production the Teams endpoint must authenticate its callers: set clientId, clientSecret and tenantId from the Azure Bot registration.' };
    }
    // Unauthenticated, anyone who can reach the port could speak for anyone in the directory.
    if (!parsed.data.clientId && !isLoopbackHost(parsed.data.HOST)) {
      return { ok: false, message: `Without clientId the Teams endpoint accepts anyone, so it listens only on this machine: set HOST=127.0.0.1 (or ::1, localhost), or set clientId, clientSecret and tenantId from the Azure Bot registration to listen on ${parsed.data.HOST}.` };
    }
    if (parsed.data.NODE_ENV === 'production' && !parsed.data.AUDIT_KEY) {
      return { ok: false, message: 'In production the audit chain must be keyed: set AUDIT_KEY to a secret of at least 32 characters (e.g. from: openssl rand -hex 32), and keep it safe: records made with it verify only with it.' };
    }
    const slack = [parsed.data.SLACK_SIGNING_SECRET, parsed.data.SLACK_BOT_TOKEN].filter(Boolean).length;
    if (slack === 1) return { ok: false, message: 'Slack needs both SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN (from the Slack app\'s Basic Information and OAuth & Permissions pages); set both, or neither to run without Slack.' };
    return { ok: true, config: parsed.data };
  }
  const issue = parsed.error.issues[0]!;
  return { ok: false, message: `Setting ${issue.path.join('.')} is not valid: ${issue.message}` };
}

/** 127.0.0.0/8, ::1 and localhost: interfaces only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1' || /^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(h);
}
