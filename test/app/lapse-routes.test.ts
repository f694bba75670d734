/**
 * The lapse card offers the procedure's conditional routes too: after a missed response, Sefton's
 * raiser (with a timescale added: the pack sets none) is offered Stage 2 (the default) and, in the document's words, Stage 5 with Children's
 * Social Care where the child remains at risk of significant harm, with the command that takes it
 * and a button (the `route.take` step, held on both doors in test/teams and test/slack
 * route-take.test.ts); Teams' card and Slack's message show the same lines. BSCB offers no such route, and shows none.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { lapseView } from '../../src/app/case-views.js';
import { loadPolicyCatalog } from '../../src/app/policy-catalog.js';
import { nextStageNumber } from '../../src/domain/escalation/queries.js';
import type { Policy } from '../../src/domain/policy/schema.js';
import { messageOf } from '../../src/slack/blocks.js';
import { adaptiveCardOf } from '../../src/teams/case-cards.js';
import { SCHEDULER } from '../support/people.js';
import { CaseDriver } from '../support/case-driver.js';
import { escalateTo, openCase } from '../support/walk.js';

let catalog: Awaited<ReturnType<typeof loadPolicyCatalog>>;
beforeAll(async () => {
  catalog = await loadPolicyCatalog();
});

function lapsedAtStage1(policy: Policy) {
  const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
  openCase(d, policy, { ref: 'RES-2026-0042' });
  escalateTo(d, policy, 1);
  const due = d.s.current!.responseDue!;
  d.at(new Date(Date.parse(due) + 1000).toISOString()).do({ type: 'mark-deadline-lapsed', actor: SCHEDULER, which: 'response', due });
  expect(d.s.current!.lapsed.response).toBe(due);
  return d;
}

describe('the lapse card and the routes on a condition', () => {
  it('offers Sefton’s route to Children’s Social Care beside the next stage, in the document’s words, on Teams and Slack', () => {
    // Sefton's pack sets no timescales (its document gives none), so nothing lapses under it as
    // shipped: here its Stage 1 takes BSCB's response timescale, as a pack with both would.
    const shipped = catalog.get('sefton')!;
    const sefton: Policy = { ...shipped, stages: shipped.stages.map((s, i) => (i === 0 ? { ...s, response: catalog.get('bscb')!.stages[0]!.response } : s)) };
    const d = lapsedAtStage1(sefton);
    const view = lapseView(d.s, nextStageNumber(d.s));
    const line =
      "A significant-harm concern remains; through line management to an equivalent manager in Children's Social Care (Stage 5), where: You believe the child remains at risk of significant harm. To take it, say `escalate RES-2026-0042 stage 5 holds`.";
    expect(view.card === 'lapse' && view.data).toMatchObject({ nextStage: 2, otherRoutes: [line] });
    // And as a button, with the condition the person confirms (the `route.take` step).
    expect(view.card === 'lapse' && view.data.routes).toEqual([
      { toStage: 5, title: "Stage 5: Equivalent manager in Children's Social Care…", label: expect.stringMatching(/^A significant-harm concern remains/), condition: 'You believe the child remains at risk of significant harm' },
    ]);

    const teams = JSON.stringify(adaptiveCardOf(view, null));
    expect(teams).toContain('The procedure also offers');
    expect(teams).toContain(JSON.stringify(line).slice(1, -1));
    const slack = JSON.stringify(messageOf(view).blocks);
    expect(slack).toContain('The procedure also offers');
    expect(slack).toContain('escalate RES-2026-0042 stage 5 holds');
    expect(slack).toContain('You believe the child remains at risk of significant harm');
    expect(teams).toContain('"verb":"route.take"');
    expect(teams).toContain('"toStage":5');
    expect(slack).toContain('"action_id":"route.take"');

    // The typed command takes that route from the lapsed stage.
    escalateTo(d, sefton, 5);
    expect(d.s.current?.number).toBe(5);
  });

  it('shows nothing more where the stage has no route on a condition (BSCB)', () => {
    const d = lapsedAtStage1(catalog.get('bscb')!);
    const view = lapseView(d.s, nextStageNumber(d.s));
    expect(view.card === 'lapse' && view.data.otherRoutes).toEqual([]);
    expect(view.card === 'lapse' && view.data.routes).toEqual([]);
    expect(JSON.stringify(adaptiveCardOf(view, null))).not.toContain('route.take');
    expect(JSON.stringify(messageOf(view).blocks)).not.toContain('route.take');
    expect(JSON.stringify(adaptiveCardOf(view, null))).not.toContain('The procedure also offers');
    expect(JSON.stringify(messageOf(view).blocks)).not.toContain('The procedure also offers');
  });
});
