/**
 * The audit chain's key (src/app/audit.ts) for the store being opened, and the embedded store's
 * folder kept owner-only.
 *
 * AUDIT_KEY when it is set; production refuses to start without it (config.ts). Without it in
 * development:
 * - the embedded store uses a key it generated once into DATA_DIR/audit.key (mode 0600), so its
 *   records are keyed all the same. The key then sits beside the data it protects: whoever can
 *   read the folder has both, which is why production takes the key from the environment.
 * - a server store (PostgreSQL, MongoDB) records with plain SHA-256 and a warning: instances
 *   sharing one database would each make up a different key, and no record could be checked.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { auditHasher, type AuditHasher } from '../app/audit.js';

export type AuditKeySettings = { AUDIT_KEY?: string | undefined; DATABASE_URL?: string | undefined; DATA_DIR: string };
export type AuditKeying = { hasher: AuditHasher; warning: string | null };

export const KEY_FILE = 'audit.key';

export async function auditKeying(settings: AuditKeySettings): Promise<AuditKeying> {
  if (settings.AUDIT_KEY) return { hasher: auditHasher(settings.AUDIT_KEY), warning: null };
  if (!settings.DATABASE_URL) return { hasher: auditHasher(await keyFile(settings.DATA_DIR)), warning: null };
  return {
    hasher: auditHasher(),
    warning: 'AUDIT_KEY is not set: the audit chain is recorded without a key, so it shows accidents but not a rewrite by someone who can write to the database. Set AUDIT_KEY (production requires it).',
  };
}

/** A folder only its owner can enter: created so, or tightened if it already exists. */
export async function privateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if ((await stat(dir)).mode & 0o077) await chmod(dir, 0o700);
}

/** DATA_DIR's key, made on first use; "wx" so two processes starting together keep one. */
async function keyFile(dataDir: string): Promise<string> {
  await privateDir(dataDir);
  const file = join(dataDir, KEY_FILE);
  try {
    await writeFile(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'EEXIST') throw e;
    if ((await stat(file)).mode & 0o077) await chmod(file, 0o600);
  }
  const key = (await readFile(file, 'utf8')).trim();
  if (key.length < 32) throw new Error(`${file} does not hold an audit key (at least 32 characters); restore it, or set AUDIT_KEY`);
  return key;
}
