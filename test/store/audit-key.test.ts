/**
 * The embedded data folder is owner-only and its generated audit key readable by its owner
 * alone; AUDIT_KEY takes the key's place, is required in production, and a server store
 * without it records unkeyed with a warning.
 */
import { describe, expect, it } from '@jest/globals';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditHasher } from '../../src/app/audit.js';
import { loadConfig } from '../../src/config.js';
import { auditKeying, KEY_FILE } from '../../src/store/audit-key.js';
import { openStore } from '../../src/store/open-store.js';

const mode = (path: string) => statSync(path).mode & 0o777;
const KEY = 'a-key-from-the-environment-0123456789abcdef';

describe('the embedded data folder and its audit key', () => {
  it('creates DATA_DIR owner-only (0700), with a key made once (0600) that keys the store and is kept across restarts', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'resolve-key-')), 'nested', 'data');
    const first = await openStore({ DATA_DIR: dataDir });
    await first.store.close();
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'pglite'))).toBe(0o700);
    expect(mode(join(dataDir, KEY_FILE))).toBe(0o600);
    const key = readFileSync(join(dataDir, KEY_FILE), 'utf8').trim();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(first.hasher).toMatchObject({ scheme: 'hmac-sha256', keyId: auditHasher(key).keyId });
    expect(first.auditWarning).toBeNull();

    const again = await openStore({ DATA_DIR: dataDir });
    await again.store.close();
    expect(again.hasher.keyId).toBe(first.hasher.keyId);
    expect(readFileSync(join(dataDir, KEY_FILE), 'utf8').trim()).toBe(key);
  }, 120_000);

  it('tightens a folder and key file others could read', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'resolve-key-'));
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, KEY_FILE), `${'b'.repeat(64)}\n`, { mode: 0o644 });
    chmodSync(join(dataDir, KEY_FILE), 0o644);
    const { hasher } = await auditKeying({ DATA_DIR: dataDir });
    expect(hasher.keyId).toBe(auditHasher('b'.repeat(64)).keyId);
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, KEY_FILE))).toBe(0o600);
  });

  it('refuses a key file that holds no key, saying which file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'resolve-key-'));
    writeFileSync(join(dataDir, KEY_FILE), 'short\n', { mode: 0o600 });
    await expect(openStore({ DATA_DIR: dataDir })).rejects.toThrow(`cannot open the embedded database in ${join(dataDir, 'pglite')}: ${join(dataDir, KEY_FILE)} does not hold an audit key (at least 32 characters); restore it, or set AUDIT_KEY`);
  });

  it('uses AUDIT_KEY instead when it is set, writing no key file', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'resolve-key-')), 'data');
    mkdirSync(dataDir);
    const { hasher, warning } = await auditKeying({ DATA_DIR: dataDir, AUDIT_KEY: KEY });
    expect(hasher.keyId).toBe(auditHasher(KEY).keyId);
    expect(warning).toBeNull();
    expect(existsSync(join(dataDir, KEY_FILE))).toBe(false);
  });

  it('records unkeyed on a server store without AUDIT_KEY, and says so', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'resolve-key-')), 'data');
    const { hasher, warning } = await auditKeying({ DATA_DIR: dataDir, DATABASE_URL: 'postgres://db.example.org/resolve' });
    expect(hasher).toMatchObject({ scheme: 'sha256', keyId: null });
    expect(warning).toBe('AUDIT_KEY is not set: the audit chain is recorded without a key, so it shows accidents but not a rewrite by someone who can write to the database. Set AUDIT_KEY (production requires it).');
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('the AUDIT_KEY setting', () => {
  const production = { NODE_ENV: 'production', clientId: 'bot-id', clientSecret: 'secret', tenantId: 'tenant' };

  it('is required in production, in one line', () => {
    expect(loadConfig(production)).toEqual({
      ok: false,
      message: 'In production the audit chain must be keyed: set AUDIT_KEY to a secret of at least 32 characters (e.g. from: openssl rand -hex 32), and keep it safe: records made with it verify only with it.',
    });
    expect(loadConfig({ ...production, AUDIT_KEY: KEY })).toMatchObject({ ok: true, config: { AUDIT_KEY: KEY } });
  });

  it('is refused when too short to be a secret', () => {
    expect(loadConfig({ AUDIT_KEY: 'password' })).toEqual({ ok: false, message: 'Setting AUDIT_KEY is not valid: must be at least 32 characters (e.g. from: openssl rand -hex 32)' });
  });
});
