/** `npm start` as a person runs it: a real process, its health check, and a clean stop. */
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', DATA_DIR: join(mkdtempSync(join(tmpdir(), 'resolve-start-')), 'data'), DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const port = new Promise<number>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /"port":(\d+)/.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', () => reject(new Error(`exited before listening: ${stderr}`)));
  });
  port.catch(() => undefined); // the failure tests wait for the exit instead
  return { child, port, output: () => ({ stdout, stderr }) };
}

describe('the process', () => {
  it('creates its embedded store, answers the health check and stops on SIGTERM', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'resolve-start-')), 'data');
    const app = start({ DATA_DIR: dataDir });
    const port = await app.port;
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ok', store: 'pglite', partnership: { policy: 'bscb' }, jobs: { running: true, overdue: 0, inProgress: 0 } });
    // Prompts that never got through (none yet): a count and the latest few.
    expect(body.undeliverablePrompts).toEqual({ count: 0, latest: [] });
    expect(existsSync(join(dataDir, 'pglite'))).toBe(true);
    expect(body.policies).toEqual(['bscb', 'sefton', 'croydon', 'worcestershire', 'derby']);
    expect((await fetch(`http://127.0.0.1:${port}/nothing`)).status).toBe(404);
    const exited = once(app.child, 'exit');
    const stopAt = Date.now();
    app.child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    // The limit for a clean stop (the scheduler drains first).
    expect(Date.now() - stopAt).toBeLessThan(10_000);
  }, 30_000);

  it('refuses to start with one clear line when a setting is wrong', async () => {
    const app = start({ PORT: 'eighty' });
    const [code] = await once(app.child, 'exit');
    expect(code).toBe(1);
    expect(app.output().stderr.trim()).toBe('Resolve cannot start: Setting PORT is not valid: Invalid input: expected number, received NaN');
  }, 30_000);

  it('says in one line why a database URL is refused', async () => {
    const app = start({ DATABASE_URL: 'mysql://root@localhost/resolve' });
    const [code] = await once(app.child, 'exit');
    expect(code).toBe(1);
    expect(app.output().stderr).toBe('Resolve cannot start: DATABASE_URL must start with postgres://, postgresql://, mongodb:// or mongodb+srv:// (got "mysql://root@localhost/resolve").\n');
  }, 30_000);

  it('says in one line when the PostgreSQL server cannot be reached, hiding the password', async () => {
    const app = start({ DATABASE_URL: 'postgres://resolve:s3cret@127.0.0.1:1/resolve' });
    const [code] = await once(app.child, 'exit');
    expect(code).toBe(1);
    expect(app.output().stderr).toMatch(/^Resolve cannot start: cannot reach the PostgreSQL database at postgres:\/\/resolve:\*\*\*@127\.0\.0\.1:1\/resolve: .+\n$/);
    expect(app.output().stderr).not.toContain('s3cret');
  }, 30_000);

  it('says in one line when the MongoDB server cannot be reached, hiding the password', async () => {
    const app = start({ DATABASE_URL: 'mongodb://resolve:s3cret@127.0.0.1:1/resolve' });
    const [code] = await once(app.child, 'exit');
    expect(code).toBe(1);
    expect(app.output().stderr).toMatch(/^Resolve cannot start: cannot reach the MongoDB database at mongodb:\/\/resolve:\*\*\*@127\.0\.0\.1:1\/resolve: .+\n$/);
    expect(app.output().stderr).not.toContain('s3cret');
  }, 30_000);

  it('refuses to run in production without the bot registration, so the Teams endpoint is never open to anyone', async () => {
    const app = start({ NODE_ENV: 'production' });
    const [code] = await once(app.child, 'exit');
    expect(code).toBe(1);
    expect(app.output().stderr).toBe('Resolve cannot start: In production the Teams endpoint must authenticate its callers: set clientId, clientSecret and tenantId from the Azure Bot registration.\n');
  }, 30_000);

  it('names the file and the problem when the directory file is missing', async () => {
    const app = start({ DIRECTORY_FILE: 'nowhere/directory.yaml' });
    const [code] = await once(app.child, 'exit');
    expect(code).toBe(1);
    expect(app.output().stderr).toMatch(/^Resolve cannot start: .*nowhere\/directory\.yaml/);
    expect(app.output().stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});
