/**
 * The stage's raiser accepts the receiver's request for more time: the response is due at the
 * proposed date (the scheduler's jobs follow the state), and the receiver hears and gets the
 * response card again, since a request for more time is not yet a response.
 */
import { z } from 'zod';
import { decidedView } from '../case-views.js';
import { londonTime } from '../replies.js';
import { commandStep } from './step.js';
import { noStageOpen } from './stage-open.js';

export default commandStep({
  verb: 'extension.accept',
  command: 'accept-extension',
  inputs: z.object({}),
  fields: [],
  who: 'the raiser of the open stage, when the receiver asks for more time',
  card: 'extension',
  build: ({ state, person, app }) => noStageOpen(state) ?? { type: 'accept-extension', actor: app.escalations.asSide(state, person) },
  after: async ({ ref, person, app }, _input, { state, events }) => {
    const cur = state.current!;
    const due = londonTime(cur.responseDue!);
    await app.news.tell(cur.receiver.personId, `${ref}: ${person.name} accepted your request for more time at Stage ${cur.number}. Your response is now due by ${due}.`, ref);
    await app.news.sendResponseCard(state, events);
    return decidedView(state, `More time allowed: a response is due by ${due}`, { name: person.name, agencyName: app.news.agencyName(person) }, app.now().toISOString());
  },
});
