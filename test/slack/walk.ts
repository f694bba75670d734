/** The intake walk on Slack: /escalate opens the first modal; each Next is a view_submission whose ack is the next step. */
import { radioState, selectState, textState, type StateValues } from './support-slack-api.js';
import type { slackHarness } from './support.js';

type View = { id?: string; callback_id?: string; private_metadata?: string; blocks?: { type: string; block_id?: string; element?: { type: string; options?: { value: string }[] } }[] };

/** What a practitioner answers: no to the urgent question and to another procedure's off-ramps, yes to the checks, the given agency. */
function answerFor(stepId: string, element: NonNullable<NonNullable<View['blocks']>[number]['element']>, agency: string): StateValues {
  const options = element.options?.map((o) => o.value) ?? [];
  const value = stepId === 'immediate-risk' || stepId.startsWith('off-ramp:') ? 'no' : options.includes('yes') ? 'yes' : stepId === 'other-agency' ? agency : options[0] ?? (stepId === 'child-record-ref' ? 'SCH-88' : `About ${stepId}`);
  if (element.type === 'radio_buttons') return radioState('answer', 'answer', value);
  if (element.type === 'static_select') return selectState('answer', 'answer', value);
  return textState('answer', 'answer', value);
}

/** Walks from /escalate to the summary modal; returns it. */
export async function walkToSummary(h: Awaited<ReturnType<typeof slackHarness>>, userId: string, agency: string): Promise<View> {
  await h.command(userId, '/escalate', '', h.has('views.open'));
  let view = h.api.callsOf('views.open').at(-1)!.view as View;
  for (let i = 0; view.callback_id === 'intake.step'; i++) {
    if (i > 40) throw new Error('the walk never ended');
    const { stepId } = JSON.parse(view.private_metadata!) as { stepId: string };
    const input = view.blocks!.find((b) => b.block_id === 'answer')!.element!;
    const r = await h.submit(userId, 'intake.step', view.private_metadata!, answerFor(stepId, input, agency));
    const acked = r.json as { response_action: string; view?: View; errors?: unknown };
    if (acked.response_action !== 'update') throw new Error(`step ${stepId} was not accepted: ${r.text}`);
    view = acked.view!;
  }
  return view;
}
