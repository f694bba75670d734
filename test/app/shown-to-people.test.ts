/**
 * What people are shown of the procedure beyond the stage in hand: Worcestershire's Senior
 * Liaison Officer, who can be contacted at any stage, on the receiver's stage card (Teams and
 * Slack take the same view) and in `status`.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import { boardNoticeView, responseView } from '../../src/app/case-views.js';
import { summarise } from '../../src/app/case-summary.js';
import { adviserLines, caseStatusText } from '../../src/app/replies.js';
import { boardOf, Directory } from '../../src/domain/directory.js';
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
    const status = caseStatusText(summarise(d.s, d.events.at(-1)!.at), d.events.map((event, i) => ({ caseRef: 'RES-1', seq: i + 1, event, idempotencyKey: null, prevHash: null, hash: '', scheme: 'sha256' })), directory(true), 1, d.s);
    expect(status.split('\n').at(-1)).toBe(`At any stage: ${lines[0]}`);
  });

  it('are not shown where the procedure names none', async () => {
    const bscb = (await loadPolicyCatalog()).get('bscb')!;
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    d.do(openCaseCommand(bscb));
    expect(adviserLines(d.s, directory(true))).toEqual([]);
  });
});

describe('the Board notice where two Boards share the procedure (Derby)', () => {
  const derbyDirectory = Directory.parse({
    partnership: { id: 'dd', name: 'Derby and Derbyshire Safeguarding Children Boards', policyId: 'derby' },
    agencies: [
      { id: 'city-board', name: 'Derby City Safeguarding Children Board', kind: 'partnership', localAreaId: 'derby-city' },
      { id: 'shire-board', name: 'Derbyshire Safeguarding Children Board', kind: 'partnership', localAreaId: 'derbyshire' },
      { id: 'health', name: 'Riverside Health Trust', kind: 'health' },
      { id: 'police', name: 'County Police', kind: 'police' },
    ],
    people: [],
  });

  it('is for the Board of the child’s local area, which it names', async () => {
    expect(boardOf(derbyDirectory, 'derbyshire')?.id).toBe('shire-board');
    expect(boardOf(derbyDirectory, 'derby-city')?.id).toBe('city-board');
    expect(boardOf(directory(true))?.id).toBe('board');
    const derby = (await loadPolicyCatalog()).get('derby')!;
    const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
    const open = openCaseCommand(derby);
    d.do({ ...open, intake: { ...open.intake, localAreaId: 'derbyshire' } });
    escalateTo(d, derby, 1);
    const view = boardNoticeView(d.s, d.now, boardOf(derbyDirectory, d.s.intake.localAreaId)!.name);
    expect(view.card === 'board-notice' && view.data.monitoring.at(-1)).toEqual({ label: "Board (the child's local area)", value: 'Derbyshire Safeguarding Children Board' });
    const one = boardNoticeView(d.s, d.now);
    expect(one.card === 'board-notice' && one.data.monitoring.map((m) => m.label)).not.toContain("Board (the child's local area)");
  });
});
