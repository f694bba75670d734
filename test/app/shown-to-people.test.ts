/**
 * What people are shown of the procedure beyond the stage in hand: Worcestershire's Senior
 * Liaison Officer, who can be contacted at any stage, on the receiver's stage card (Teams and
 * Slack take the same view) and in `status`.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import { responseView } from '../../src/app/case-views.js';
import { summarise } from '../../src/app/case-summary.js';
import { adviserLines, caseStatusText } from '../../src/app/replies.js';
import { Directory } from '../../src/domain/directory.js';
import type { Policy } from '../../src/domain/policy/schema.js';
import { messageOf } from '../../src/slack/blocks.js';
import { CaseDriver } from '../support/case-driver.js';
import { escalateTo, openCaseCommand } from '../support/walk.js';

const directory = (withOfficer: boolean) =>
  Directory.parse({
    partnership: { id: 'w', name: 'Worcestershire Safeguarding Children Partnership', policyId: 'worcestershire' },
    agencies: [
      { id: 'board', name: 'Worcestershire Safeguarding Children Partnership', kind: 'partnership' },
      { id: 'health', name: 'Riverside Health Trust', kind: 'health' },
      { id: 'police', name: 'County Police', kind: 'police' },
    ],
    people: withOfficer ? [{ id: 'slo', name: 'Sam Ali', agencyId: 'board', roles: ['senior-liaison-officer'], jobTitle: 'Senior Liaison Officer' }] : [],
  });

let worcestershire: Policy;
beforeAll(async () => {
  worcestershire = (await loadPolicyCatalog()).get('worcestershire')!;
});

function stageOne(): CaseDriver {
  const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
  d.do(openCaseCommand(worcestershire));
  escalateTo(d, worcestershire, 1);
  return d;
}

describe('advisers who can be contacted at any stage', () => {
  it('are named with why, from the directory, or the gap is said', () => {
    const d = stageOne();
    expect(adviserLines(d.s, directory(true))).toEqual([
      "Sam Ali (Senior Liaison Officer, Worcestershire Safeguarding Children Partnership). The Board's Senior Liaison Officer can be contacted at any stage, including through the agency's escalation pathway, to help negotiate and agree a way forward.",
    ]);
    expect(adviserLines(d.s, directory(false))[0]).toMatch(/help negotiate and agree a way forward\. Nobody at Worcestershire Safeguarding Children Partnership holds the role Board senior liaison officer/);
  });

  it('are on the receiver’s stage card, in Teams’ data and in Slack’s message, and in status', () => {
    const d = stageOne();
    const lines = adviserLines(d.s, directory(true));
    const view = responseView(d.s, d.events, lines);
    expect(view.card === 'response' && view.data.advisers).toEqual(lines);
    expect(JSON.stringify(messageOf(view).blocks)).toContain('At any stage');
    const status = caseStatusText(summarise(d.s, d.events.at(-1)!.at), d.events.map((event, i) => ({ caseRef: 'RES-1', seq: i + 1, event, idempotencyKey: null, prevHash: null, hash: '', scheme: 'sha256' })), directory(true), d.s);
    expect(status.split('\n').at(-1)).toBe(`At any stage: ${lines[0]}`);
  });

  it('are not shown where the procedure names none', async () => {
    const bscb = (await loadPolicyCatalog()).get('bscb')!;
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    d.do(openCaseCommand(bscb));
    expect(adviserLines(d.s, directory(true))).toEqual([]);
  });
});
