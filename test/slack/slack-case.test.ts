/**
 * A whole BSCB case on Slack, between a school and a health trust: the teacher walks the intake in
 * modals, the school's safeguarding lead approves Stage 1 from a DM message, the health team
 * manager acknowledges and agrees, the lead records the outcome and the manager confirms it. Each
 * decision replaces its message (chat.update); replies in a case's DM thread reach the others.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { radioState, textState } from './support-slack-api.js';
import { AISHA, BETHAN, OWEN, slackHarness } from './support.js';
import { walkToSummary } from './walk.js';

describe('a BSCB case on Slack', () => {
  let h: Awaited<ReturnType<typeof slackHarness>>;
  let ref = '';
  beforeAll(async () => {
    h = await slackHarness();
  });
  afterAll(async () => h?.stop());

  it('walks the intake in modals and asks the school lead to approve Stage 1', async () => {
    const summary = await walkToSummary(h, OWEN, 'health');
    expect(summary.callback_id).toBe('intake.submit');
    await h.submit(OWEN, 'intake.submit', '', {}, h.has('views.update'));
    const opened = h.api.callsOf('views.update').at(-1)!.view as { blocks: { text?: { text: string } }[] };
    ref = /RES-\d{4}-\d{4}/.exec(JSON.stringify(opened))![0];
    await h.api.waitFor(() => h.messagesTo(BETHAN).some((m) => m.text.includes(ref)));
    const approval = h.messageWith(BETHAN, 'escalation.approve');
    expect(approval.thread_ts).toBeDefined();
    expect(h.messagesTo(OWEN).map((m) => m.text).join('\n')).toContain(`I have asked Bethan Lloyd (Oakfield Primary School) to approve raising Stage 1`);
  });
});
