/**
 * `npm start` as a person runs it: a real process, its health checks, its .env file, and a clean
 * stop that lets a request in progress finish. The source runs through tsx (so the tests see the
 * code as it is); one test runs the compiled entry `npm start` runs.
 */
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = process.cwd();
/** tsx by its path, so a process started in another directory still finds it. */
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

function start(env: Record<string, string>, options: { cwd?: string; entry?: string[] } = {}) {
  const child = spawn(process.execPath, options.entry ?? ['--import', TSX, join(ROOT, 'src/main.ts')], {
    cwd: options.cwd ?? ROOT,
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
  it('creates its embedded store, answers the health checks and stops on SIGTERM', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'resolve-start-')), 'data');
    const app = start({ DATA_DIR: dataDir });
    const port = await app.port;
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ready', store: 'pglite', partnership: { policy: 'bscb' }, jobs: { running: true, overdue: 0, inProgress: 0 } });
    // Prompts that never got through (none yet): a count and the latest few.
    expect(body.undeliverablePrompts).toEqual({ count: 0 });
    expect(existsSync(join(dataDir, 'pglite'))).toBe(true);
    expect(body.policies).toEqual(['bscb', 'sefton', 'croydon', 'worcestershire', 'derby']);
    expect((await fetch(`http://127.0.0.1:${port}/nothing`)).status).toBe(404);
    // The warm-up after listening says when it is done (the turn benchmark waits for that line).
    while (!/"msg":"warmed up"/.test(app.output().stdout)) await new Promise((r) => setTimeout(r, 50));
    const exited = once(app.child, 'exit');
    const stopAt = Date.now();
    app.child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    // The limit for a clean stop (the scheduler drains first).
    expect(Date.now() - stopAt).toBeLessThan(10_000);
  }, 120_000);

  it('refuses to start with one clear line when a setting is wrong', async () => {
    const app = start({ PORT: 'eighty' });
    const [code] = await once(app.child, 'exit');
    expect(code).toBe(1);
    expect(app.output().stderr.trim()).toBe('Resolve cannot start: Setting PORT is not valid: Invalid input: expected number, received NaN');
  }, 120_000);

  it('says in one line why a database URL is refused', async () => {
    const app = start({ DATABASE_URL: 'mysql://root@localhost/resolve' });
    const [code] = await once(app.child, 'exit');
    expect(code).toBe(1);
    expect(app.output().stderr).toBe('Resolve cannot start: DATABASE_URL must start with postgres://, postgresql://, mongodb:// or mongodb+srv:// (got "mysql://root@localhost/resolve").\n');
  }, 120_000);

  it('says in one line when the PostgreSQL server cannot be reached, hiding the password', async () => {
    const app = start({ DATABASE_URL: 'postgres://resolve:s3cret@127.0.0.1:1/resolve' });
    const [code] = await once(app.child, 'exit');
    expect(code).toBe(1);
    expect(app.output().stderr).toMatch(/^Resolve cannot start: cannot reach the PostgreSQL database at postgres:\/\/resolve:\*\*\*@127\.0\.0\.1:1\/resolve: .+\n$/);
    expect(app.output().stderr).not.toContain('s3cret');
  }, 120_000);

  it('says in one line when the MongoDB server cannot be reached, hiding the password', async () => {
    const app = start({ DATABASE_URL: 'mongodb://resolve:s3cret@127.0.0.1:1/resolve' });
    const [code] = await once(app.child, 'exit');
    expect(code).toBe(1);
    expect(app.output().stderr).toMatch(/^Resolve cannot start: cannot reach the MongoDB database at mongodb:\/\/resolve:\*\*\*@127\.0\.0\.1:1\/resolve: .+\n$/);
    expect(app.output().stderr).not.toContain('s3cret');
  }, 120_000);

  it('refuses to run in production without the bot registration, so the Teams endpoint is never open to anyone', async () => {
    const app = start({ NODE_ENV: 'production' });
    const [code] = await once(app.child, 'exit');
    expect(code).toBe(1);
    expect(app.output().stderr).toBe('Resolve cannot start: In production the Teams endpoint must authenticate its callers: set clientId, clientSecret and tenantId from the Azure Bot registration.\n');
  }, 120_000);

  it('names the file and the problem when the directory file is missing', async () => {
    const app = start({ DIRECTORY_FILE: 'nowhere/directory.yaml' });
    const [code] = await once(app.child, 'exit');
    expect(code).toBe(1);
    expect(app.output().stderr).toMatch(/^Resolve cannot start: .*nowhere\/directory\.yaml/);
    expect(app.output().stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('lets a request in progress at SIGTERM finish, then exits 0', async () => {
    const app = start({});
    const port = await app.port;
    // A Teams request whose body arrives slowly: half of it before SIGTERM, the rest after.
    const body = Buffer.from('{"type": "not an activity at all"');
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/messages', headers: { 'content-type': 'application/json', 'content-length': body.length } });
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
    });
    req.write(body.subarray(0, 10));
    await new Promise((r) => setTimeout(r, 300));
    const exited = once(app.child, 'exit');
    app.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 700));
    // Still serving the request: not gone, and not taking new connections.
    expect(app.child.exitCode).toBeNull();
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    req.end(body.subarray(10));
    // The Teams door's own answer to a body that is not an activity: the request was handled, not cut.
    expect(await answered).toEqual({ status: 400, text: '{"error":"This is not an activity Resolve accepts; nothing was done."}' });
    const [code] = await exited;
    expect(code).toBe(0);
  }, 120_000);

  it('reads a .env file in its directory, the environment winning over it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resolve-env-'));
    writeFileSync(join(dir, '.env'), 'DIRECTORY_FILE=from-dotenv/directory.yaml\nDIGEST_HOUR=7\n');
    const badDir = mkdtempSync(join(tmpdir(), 'resolve-env-'));
    writeFileSync(join(badDir, '.env'), 'DIGEST_HOUR=25\n');
    const fromFile = start({}, { cwd: dir });
    const fromEnv = start({ DIRECTORY_FILE: 'from-env/directory.yaml' }, { cwd: dir });
    // A bad value in the file is refused like one in the environment.
    const bad = start({}, { cwd: badDir });
    const codes = await Promise.all([fromFile, fromEnv, bad].map(async (app) => (await once(app.child, 'exit'))[0] as number));
    expect(codes).toEqual([1, 1, 1]);
    expect(fromFile.output().stderr).toMatch(/^Resolve cannot start: .*from-dotenv\/directory\.yaml/);
    expect(fromEnv.output().stderr).toMatch(/^Resolve cannot start: .*from-env\/directory\.yaml/);
    expect(bad.output().stderr).toMatch(/^Resolve cannot start: Setting DIGEST_HOUR is not valid: .*23/);
  }, 180_000);

  it('runs compiled as npm start does, finding its procedures and demo directory from any directory', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('node dist/main.js');
    const entry = join(ROOT, 'dist/main.js');
    // Built by `npm install` / `npm ci` (the prepare script) or `npm run build`.
    expect(existsSync(entry)).toBe(true);
    const app = start({}, { cwd: mkdtempSync(join(tmpdir(), 'resolve-elsewhere-')), entry: [entry] });
    const port = await app.port;
    const ready = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as Record<string, unknown>;
    expect(ready).toMatchObject({ status: 'ready', partnership: { policy: 'bscb' } });
    expect(ready.policies).toEqual(['bscb', 'sefton', 'croydon', 'worcestershire', 'derby']);
    const exited = once(app.child, 'exit');
    app.child.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
  }, 120_000);
});
