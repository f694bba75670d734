/**
 * The real scheduler (Agenda) inside the real app: jobs survive a restart on the embedded store
 * and then run once; two instances on one PostgreSQL server run every due job exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { RecordingNotifier } from '../../src/app/notifier.js';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Policy } from '../../src/domain/policy/schema.js';
import { startApp, type RunningApp } from '../../src/start-app.js';
import { capturedLog, caseDueAt, jobStarts, waitFor } from './support.js';

let worcestershire: Policy;
beforeAll(async () => {
  worcestershire = (await loadPolicyCatalog()).get('worcestershire')!;
});

function config(env: Record<string, string>): Config {
  // No reminders, so the only case job is the response deadline; poll often so the test is quick;
  // a short lock, because Agenda checks a running job's lock on a timer of half of it, which
  // outlives the app's stop and would hold Jest open.
  const loaded = loadConfig({ PORT: '0', LOG_LEVEL: 'info', REMINDER_FRACTIONS: '', REMINDER_WORKING_DAYS_BEFORE: '0', JOBS_POLL_MS: '200', JOBS_LOCK_MS: '2000', ...env });
  if (!loaded.ok) throw new Error(loaded.message);
  return loaded.config;
}

const lapses = async (app: RunningApp, ref: string) => (await app.store.load(ref)).filter((e) => e.event.type === 'deadline-lapsed').length;

describe('the scheduler in the app', () => {
  it('keeps a case and its pending jobs across a restart on the embedded store, then runs the deadline once', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'resolve-restart-')), 'data');
    const settings = config({ DATA_DIR: dataDir });
    const began = Date.now();
    const first = await startApp(settings, { log: capturedLog().log, notifier: new RecordingNotifier() });
    // Far enough ahead that the job is still pending after a stop and a start, however busy the
    // machine: four times as long as this start took, and at least 30 s (two starts of the app
    // have taken over 12 s here while other test files ran; 30 s alone once ran out under CI's load).
    const due = new Date(Date.now() + Math.max(30_000, 4 * (Date.now() - began)));
    await caseDueAt(first, worcestershire, 'RES-R1', due);
    const before = (await first.queue.jobsOf('RES-R1')).filter((j) => j.state === 'scheduled');
    expect(before.map((j) => [j.name, j.runAt])).toEqual([['response-deadline', due.toISOString()]]);
    await first.stop();

    const notifier = new RecordingNotifier();
    const { log, lines } = capturedLog();
    const second = await startApp(settings, { log, notifier });
    try {
      expect((await second.cases.load('RES-R1'))?.current).toMatchObject({ number: 2, responseDue: due.toISOString() });
      expect((await second.queue.jobsOf('RES-R1')).filter((j) => j.state === 'scheduled')).toEqual(before);
      expect(await lapses(second, 'RES-R1')).toBe(0);

      await waitFor('the deadline job', async () => (await lapses(second, 'RES-R1')) > 0, due.getTime() - Date.now() + 30_000);
      expect(new Date().getTime()).toBeGreaterThanOrEqual(due.getTime());
      // Several more polls: nothing runs again.
      await new Promise((r) => setTimeout(r, 1500));
      expect(await lapses(second, 'RES-R1')).toBe(1);
      expect(jobStarts(lines).filter((k) => k.startsWith('RES-R1|'))).toEqual([`RES-R1|response-deadline|2|${due.toISOString()}`]);
      expect(notifier.sent.map((n) => [n.kind, n.to.personId])).toEqual([
        ['response-overdue', 'health-team-manager'],
        ['response-overdue', 'police-team-manager'],
      ]);
      expect((await second.queue.jobsOf('RES-R1')).map((j) => j.state)).toEqual(['done']);
    } finally {
      await second.stop();
    }
  }, 240_000);
});

const serverUrl = process.env.TEST_POSTGRES_URL;
if (serverUrl) {
  describe('two instances on one PostgreSQL server', () => {
    const database = `resolve_two_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    beforeAll(async () => {
      await admin.connect();
      await admin.query(`CREATE DATABASE ${database}`);
    });
    afterAll(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    });

    it('runs every due job exactly once across both', async () => {
      const url = new URL(serverUrl);
      url.pathname = `/${database}`;
      const settings = config({ DATABASE_URL: url.toString() });
      const a = { ...capturedLog(), notifier: new RecordingNotifier() };
      const b = { ...capturedLog(), notifier: new RecordingNotifier() };
      // Started together: migrations and Agenda's schema must not collide either.
      const [appA, appB] = await Promise.all([
        startApp(settings, { log: a.log, notifier: a.notifier, instanceName: 'A' }),
        startApp(settings, { log: b.log, notifier: b.notifier, instanceName: 'B' }),
      ]);
      try {
        const start = Date.now() + 8_000;
        const refs = Array.from({ length: 20 }, (_, i) => `RES-T${String(i).padStart(2, '0')}`);
        // Twenty deadlines spread over two seconds.
        for (const [i, ref] of refs.entries()) await caseDueAt(appA, worcestershire, ref, new Date(start + i * 100));

        await waitFor('all twenty lapses', async () => (await appA.store.findCases({})).filter((c) => c.overdueSince).length === refs.length, 60_000);
        await new Promise((r) => setTimeout(r, 1500));
        for (const ref of refs) expect(await lapses(appA, ref)).toBe(1);
        // Each deadline ran once, whichever instance took it, and nothing else ran.
        const started = [...jobStarts(a.lines), ...jobStarts(b.lines)].sort();
        expect(started).toEqual(refs.map((ref) => expect.stringMatching(new RegExp(`^${ref}\\|response-deadline\\|2\\|`))));
        // Which instance takes which job depends on when each one polls, so the split is not
        // asserted; both poll the one table, and the lock lets only one of them run each job.
        const sent = [...a.notifier.sent, ...b.notifier.sent].map((n) => n.key);
        expect(sent).toHaveLength(refs.length * 2);
        expect(new Set(sent).size).toBe(refs.length * 2);
      } finally {
        await Promise.all([appA.stop(), appB.stop()]);
      }
    }, 120_000);
  });
} else {
  describe('two instances on one PostgreSQL server', () => {
    it.skip('SKIPPED: TEST_POSTGRES_URL is not set, so the two-instance test did not run', () => undefined);
  });
}
