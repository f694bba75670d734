/**
 * The receiver responds: agree, disagree (with reasons) or more time (with a date, or a day,
 * which means 17:00 London on it). The raiser and the practitioner hear; on agreement the raiser
 * gets the card to record the outcome, for this side to confirm; on more time, the card to accept
 * or decline the new date; on disagreement, the card with the ways on (the next stage, and any route
 * the procedure offers on a condition).
 */
import { z } from 'zod';
import { decidedView, resolutionView, waysOnView } from '../case-views.js';
import { extensionView } from '../outcome-views.js';
import { forReaders } from '../reader.js';
import { choice, commandStep, endOfDay, optionalText } from './step.js';
import { noStageOpen } from './stage-open.js';

const SAID = { agree: 'agreed', disagree: 'disagreed', 'more-time': 'asked for more time' } as const;

export default commandStep({
  verb: 'stage.respond',
  command: 'respond',
  inputs: z.object({ position: choice(['agree', 'disagree', 'more-time'], 'Choose agree, disagree or more time.'), rationale: optionalText(), proposedDate: optionalText() }),
  fields: [
    { name: 'position', label: 'Your position', kind: 'choice', choices: [{ value: 'agree', label: 'Agree' }, { value: 'disagree', label: 'Disagree (give reasons)' }, { value: 'more-time', label: 'Need more time' }] },
    { name: 'rationale', label: 'Reasons', kind: 'long-text' },
    { name: 'proposedDate', label: 'If you need more time: the date you can respond by', kind: 'date' },
  ],
  form: { title: 'Your response', submit: 'Send response' },
  who: 'the receiver of the open stage',
  card: 'response',
  build: ({ state, person, app }, { position, rationale, proposedDate }) => {
    const proposedDue = endOfDay(proposedDate || undefined);
    return noStageOpen(state) ?? { type: 'respond', actor: app.escalations.asReceiver(state, person), position, rationale, ...(proposedDue ? { proposedDue } : {}) };
  },
  after: async ({ ref, person, app }, { position, rationale }, { state }) => {
    const stage = state.current!;
    const said = SAID[position];
    const news = `${ref}: ${person.name} (${stage.receiver.agencyName}) ${said} at Stage ${stage.number}${rationale ? `: "${rationale}"` : '.'}`;
    for (const id of new Set([stage.raiser.personId, state.practitioner.personId])) await app.news.tell(id, news, ref);
    // Agreement: the side that raised the stage records the outcome, for this side to confirm.
    if (position === 'agree') await app.news.deliver(stage.raiser.personId, resolutionView(state, { name: person.name, agencyName: stage.receiver.agencyName }), ref);
    // Disagreement: the side that raised the stage gets the ways on (the next stage, a route on a condition), where there are any.
    if (position === 'disagree' && waysOnView(state)) await app.news.deliver(stage.raiser.personId, forReaders(state, (s) => waysOnView(s)!), ref);
    // More time: the side that raised the stage accepts the new date or declines it.
    if (position === 'more-time' && extensionView(state)) await app.news.deliver(stage.raiser.personId, forReaders(state, (s) => extensionView(s)!), ref);
    return decidedView(state, `Responded: ${said}`, { name: person.name, agencyName: stage.receiver.agencyName }, app.now().toISOString(), rationale || undefined);
  },
});
