/** Shared by the scheduler tests that run the real app: a case whose response falls due at a chosen real instant. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Cases } from '../../src/app/cases.js';
import { FakeClock } from '../../src/app/clock.js';
import type { Command } from '../../src/domain/escalation/commands.js';
import type { Policy } from '../../src/domain/policy/schema.js';
import type { RunningApp } from '../../src/start-app.js';
import { actorOf } from '../support/people.js';
import { openCaseCommand, partiesFor, practitioner } from '../support/walk.js';

/**
 * Opens a Worcestershire case and takes it to Stage 2 (team managers, "within 24 hours") exactly
 * 24 hours before `due`, on a fake clock, so its response deadline job falls due at `due` in real
 * time, for Agenda to run. The steps are recorded without touching the scheduler (their Stage 1
 * deadline lies in the real past and would fire at once); the app's scheduler is then given the
 * case as it stands, as it would be after a restart.
 */
export async function caseDueAt(app: RunningApp, worcestershire: Policy, ref: string, due: Date): Promise<void> {
  const clock = new FakeClock(new Date());
  const cases = new Cases(app.store, clock);
  const must = async (command: Command) => {
    const r = await cases.execute(ref, command);
    if (!r.ok) throw new Error(`${ref} ${command.type}: ${r.message}`);
  };
  const stageTwoAt = new Date(due.getTime() - 24 * 3600_000);
  clock.set(new Date(stageTwoAt.getTime() - 3600_000).toISOString());
  const p = practitioner();
  await must(openCaseCommand(worcestershire, ref));
  const [one, two] = worcestershire.stages;
  await must({ type: 'request-escalation', actor: actorOf(p), toStage: 1, reason: 'not-resolved', note: '', parties: partiesFor(one!) });
  await must({ type: 'respond', actor: actorOf(partiesFor(one!).receiver), position: 'disagree', rationale: 'We stand by it.' });
  clock.set(stageTwoAt.toISOString());
  await must({ type: 'request-escalation', actor: actorOf(p), toStage: 2, reason: 'not-resolved', note: 'Please raise this.', approver: partiesFor(two!).raiser });
  await must({ type: 'approve-escalation', actor: actorOf(partiesFor(two!).raiser), parties: partiesFor(two!) });
  await app.jobs.sync((await cases.load(ref))!);
}

/** A logger whose JSON lines the test can read. */
export function capturedLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const jobStarts = (lines: Record<string, unknown>[]) =>
  lines.filter((l) => l.msg === 'job started').map((l) => (l.job as { key: string }).key);
