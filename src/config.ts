/**
 * Settings, from the environment only (secrets never live in files the app reads). Every setting
 * has a safe default so `npm start` works with none; `.env.example` documents each one.
 */
import { z } from 'zod';

const Config = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** A folder of extra policy files (YAML or JSON) loaded beside the built-in procedures. */
  POLICY_DIR: z.string().min(1).optional(),
  /** The directory of agencies and people; the demo directory by default. */
  DIRECTORY_FILE: z.string().min(1).default('demo/directory.yaml'),
  /** Where the embedded database keeps its files when DATABASE_URL is not set. */
  DATA_DIR: z.string().min(1).default('data'),
  /** A postgres:// URL for a PostgreSQL server; empty for the embedded store in DATA_DIR. */
  DATABASE_URL: z.string().min(1).optional(),
});
export type Config = z.infer<typeof Config>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; message: string };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ConfigResult {
  // Empty strings (a blank line in .env) mean "not set".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = Config.safeParse(cleaned);
  if (parsed.success) return { ok: true, config: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { ok: false, message: `Setting ${issue.path.join('.')} is not valid: ${issue.message}` };
}
