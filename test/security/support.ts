/**
 * The demo directory with a few more people, so every relation to a case has someone in it: a
 * same-role colleague on each side, a colleague with a Slack identity, and Board staff on Slack.
 * Cases are opened and moved through the app layer (Escalations and the step table, through CaseFlow), as the doors do.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import type { RunningApp } from '../../src/start-app.js';
import type { Person } from '../../src/domain/directory.js';
import type { Policy } from '../../src/domain/policy/schema.js';
import { participantOf } from '../../src/domain/matching.js';
import { SCHEDULER } from '../../src/app/scheduled-jobs.js';
import type { FakeClock } from '../../src/app/clock.js';

const EXTRA = `
  - id: csc-tm-2
    name: Dana Cole
    agencyId: csc
    roles: [team-manager]
    lineManagerId: csc-sm
    identities:
      teams: { aadObjectId: 00000000-0000-0000-0000-000000000006 }
      slack: { teamId: T0DEMO, userId: U0DEMO006 }
  - id: csc-sw-2
    name: Rob Ince
    agencyId: csc
    roles: [practitioner]
    lineManagerId: csc-tm-2
    identities: { teams: { aadObjectId: 00000000-0000-0000-0000-000000000007 } }
  - id: health-tm-2
    name: Lena Park
    agencyId: health
    roles: [team-manager]
    lineManagerId: health-nn
    identities:
      teams: { aadObjectId: 00000000-0000-0000-0000-000000000029 }
      slack: { teamId: T0DEMO, userId: U0DEMO029 }
  - id: police-tm-3
    name: DS Owen Hart
    agencyId: police
    roles: [team-manager]
    lineManagerId: police-sm
    identities: { teams: { aadObjectId: 00000000-0000-0000-0000-000000000016 } }
  - id: board-officer
    name: Tariq Hussain
    agencyId: board
    roles: [board-quality-assurance-manager]
    identities:
      teams: { aadObjectId: 00000000-0000-0000-0000-000000000045 }
      slack: { teamId: T0DEMO, userId: U0DEMO045 }
`;

/** Writes the test directory and returns its path (for DIRECTORY_FILE). */
export function securityDirectory(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'resolve-sec-')), 'directory.yaml');
  writeFileSync(file, readFileSync('demo/directory.yaml', 'utf8').trimEnd() + '\n' + EXTRA);
  return file;
}

export const TEAMS_ID: Record<string, string> = {
  'csc-sw': '00000000-0000-0000-0000-000000000001',
  'csc-tm': '00000000-0000-0000-0000-000000000002',
  'csc-tm-2': '00000000-0000-0000-0000-000000000006',
  'police-tm': '00000000-0000-0000-0000-000000000012',
  'police-tm-deputy': '00000000-0000-0000-0000-000000000013',
  'police-tm-3': '00000000-0000-0000-0000-000000000016',
  'csc-sm': '00000000-0000-0000-0000-000000000003',
  'health-tm': '00000000-0000-0000-0000-000000000022',
  'board-officer': '00000000-0000-0000-0000-000000000045',
  'school-teacher': '',
};
export const UNKNOWN_TEAMS_ID = '00000000-0000-0000-0000-00000000dead';

/** What the practitioner said: it must never reach anyone who is not part of the case. */
export const CONCERN = 'Strategy discussion declined for sibling';
export const AIM = 'A joint strategy discussion this week';

export type Phase = 'informal' | 'ready' | 'awaiting-approval' | 'stage-open' | 'proposed' | 'lapsed';

/**
 * The two sides a test case runs between. 'csc': CSC's practitioner against the police (on
 * Teams): Priya (csc-tm) approves Stage 1 and DS Kaur (covering DS Brierley, who is away)
 * receives it. 'school': the school's teacher against health (on Slack): Bethan (school-dsl)
 * approves, Aisha (health-tm) receives.
 */
const SIDES = {
  csc: { practitioner: 'csc-sw', approver: 'csc-tm', receiver: 'police-tm-deputy', escalating: { id: 'csc', name: "Children's Social Care" }, receiving: { id: 'police', name: 'County Police' } },
  school: { practitioner: 'school-teacher', approver: 'school-dsl', receiver: 'health-tm', escalating: { id: 'school', name: 'Oakfield Primary School' }, receiving: { id: 'health', name: 'Riverside Health Trust' } },
};

/**
 * Opens a case between `side`'s agencies and takes it to `phase` through the app's own steps;
 * under the directory's procedure, or `pinned` (the case pins the whole policy it opens under).
 */
export async function caseAt(app: RunningApp, ref: string, phase: Phase, clock?: FakeClock, side: keyof typeof SIDES = 'csc', pinned?: Policy): Promise<void> {
  const { directory, escalations, cases } = app;
  const who = (id: string): Person => directory.people.find((p) => p.id === id)!;
  const policy = pinned ?? (await loadPolicyCatalog()).get(directory.partnership.policyId)!;
  const sides = SIDES[side];
  const sam = who(sides.practitioner);
  const opened = await cases.execute(ref, {
    type: 'open-case',
    actor: { kind: 'person', personId: sam.id, name: sam.name, role: 'practitioner', agencyId: sides.escalating.id, agencyName: sides.escalating.name },
    ref,
    policy,
    practitioner: participantOf(directory, sam, 'practitioner'),
    escalatingAgency: sides.escalating,
    receivingAgency: sides.receiving,
    urgent: false,
    intake: {
      checks: Object.fromEntries(policy.preEscalationChecks.map((c) => [c.id, true])),
      discussedWithOtherProfessional: phase !== 'informal',
      decisionChallenged: CONCERN,
      areaId: policy.areasOfDisagreement[0]!.id,
      aim: AIM,
      childRecordRef: 'CSC-99812',
      reflections: {},
    },
  });
  if (!opened.ok) throw new Error(opened.message);
  const must = (r: { ok: boolean; message?: string; view?: unknown }) => {
    if (!r.ok) throw new Error(`${ref}: ${r.message ?? JSON.stringify(r.view)}`);
  };
  if (phase === 'ready' || phase === 'informal') return;
  must(await escalations.request((await cases.load(ref))!, sam, 1, 'Please raise this.'));
  if (phase === 'awaiting-approval') return;
  must(await app.flow.act(who(sides.approver), 'escalation.approve', { caseRef: ref }));
  if ((await cases.load(ref))?.current?.receiver.personId !== sides.receiver) throw new Error(`${ref}: not received by ${sides.receiver}`);
  if (phase === 'proposed') must(await app.flow.act(who(sides.receiver), 'resolution.propose', { caseRef: ref, summary: 'We will hold the strategy discussion.' }));
  if (phase === 'lapsed') {
    const due = (await cases.load(ref))!.current!.responseDue!;
    if (!clock) throw new Error('a lapse needs the fake clock');
    if (clock.now() <= new Date(due)) clock.set(new Date(new Date(due).getTime() + 1000).toISOString());
    must(await cases.execute(ref, { type: 'mark-deadline-lapsed', actor: SCHEDULER, which: 'response', due }));
  }
}
