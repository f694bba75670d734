/**
 * `status <ref>` shows a long case's latest steps and how to page back, the same words on Teams
 * and on Slack (typed in a DM, or /resolve-status), and no page comes near Teams' message limit
 * (about 28 KB).
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { CaseSummary } from '../../src/app/case-summary.js';
import type { CaseEvent } from '../../src/domain/escalation/events.js';
import { AISHA, slackHarness } from './support.js';

jest.setTimeout(60_000);

const AISHA_TEAMS = '00000000-0000-0000-0000-000000000022';
const REF = 'RES-PAGE';
const STEPS = 65;

// Long names, so a page is as long as real steps make it.
const actor = { kind: 'person' as const, personId: 'health-tm', name: 'Aisha Rahman-Featherstonehaugh', role: 'team-manager' as const, agencyId: 'health', agencyName: 'Riverside Health Trust' };
const step = (n: number): CaseEvent => ({ type: 'message-posted', at: new Date(Date.UTC(2026, 10, 2, 9, n)).toISOString(), actor, stage: 1, data: { text: `Update ${n}` } });
const summary: CaseSummary = {
  ref: REF, version: STEPS, policyId: 'bscb', phase: 'stage-open', stage: 1, urgent: false, escalatingAgencyId: 'health', receivingAgencyId: 'police',
  participantIds: ['health-tm'], nextDue: null, overdueSince: null, outcome: null, openedAt: '2026-11-02T09:00:00.000Z', updatedAt: '2026-11-02T10:05:00.000Z',
};
const lines = (text: string) => text.split('\n').filter((l) => l.startsWith('- ')).length;

describe('status, a page at a time', () => {
  let h: Awaited<ReturnType<typeof slackHarness>>;
  beforeAll(async () => {
    h = await slackHarness();
    const events = Array.from({ length: STEPS }, (_, i) => step(i + 1));
    expect((await h.teams.app.store.append(REF, 0, events, { summary })).ok).toBe(true);
  });
  afterAll(async () => h?.stop());

  const onTeams = async (text: string) => (await h.teams.say(text, AISHA_TEAMS)).map((b) => b.text ?? '').join('\n');
  const onSlack = async (text: string) => {
    await h.dm(AISHA, text, undefined, h.has('chat.postMessage'));
    return h.messagesTo(AISHA).at(-1)!.text;
  };

  it('shows the latest steps and the command for the earlier ones, on Teams and on Slack alike', async () => {
    for (const say of [onTeams, onSlack]) {
      const first = await say(`status ${REF}`);
      expect(lines(first)).toBe(20);
      expect(first).toContain('Mon, 2 Nov 2026, 10:05: message posted at Stage 1');
      expect(first).toMatch(/Steps 46 to 65 of 65\. For earlier steps, say `status RES-PAGE more`\./);
      const second = await say(`status ${REF.toLowerCase()} more`);
      expect(lines(second)).toBe(20);
      expect(second).toMatch(/Steps 26 to 45 of 65\. For earlier steps, say `status RES-PAGE more 3`\./);
      const fourth = await say(`status ${REF} more 4`);
      expect(lines(fourth)).toBe(5);
      expect(fourth).toMatch(/Steps 1 to 5 of 65\. These are the first\./);
      expect(await say(`status ${REF} more 9`)).toContain('RES-PAGE has 65 steps, fewer than page 9 would show. Say `status RES-PAGE` for the latest.');
      expect(await say(`status ${REF} later`)).toBe('Say `status RES-PAGE` for its latest steps, then `status RES-PAGE more` (or `more 3`, and so on) for earlier ones.');
    }
  });

  it('pages with /resolve-status as well', async () => {
    await h.command(AISHA, '/resolve-status', `${REF} more`, h.has('chat.postMessage'));
    expect(h.messagesTo(AISHA).at(-1)!.text).toMatch(/Steps 26 to 45 of 65\./);
  });

  it('keeps a page far below the 28 KB a Teams message may carry', async () => {
    const page = await onTeams(`status ${REF}`);
    expect(Buffer.byteLength(page)).toBeLessThan(8 * 1024);
  });

  it('still refuses a case the person is not part of, whatever page is asked for', async () => {
    const stranger = (await h.teams.say(`status ${REF} more 2`)).map((b) => b.text ?? '').join('\n');
    expect(stranger).toBe(`There is no case ${REF} that you are part of.`);
  });
});
