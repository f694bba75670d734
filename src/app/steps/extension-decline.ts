/**
 * The stage's raiser declines the receiver's request for more time, saying why: the due date
 * stays, and the receiver hears why and gets the response card again.
 */
import { z } from 'zod';
import { decidedView } from '../case-views.js';
import { londonTime } from '../replies.js';
import { commandStep, requiredText } from './step.js';
import { noStageOpen } from './stage-open.js';

export default commandStep({
  verb: 'extension.decline',
  command: 'decline-extension',
  inputs: z.object({ comment: requiredText('Say why the response cannot wait.') }),
  fields: [{ name: 'comment', label: 'Why can it not wait?', kind: 'long-text', maxLength: 2000 }],
  form: { title: 'Decline more time', submit: 'Decline', fromCard: true },
  who: 'the raiser of the open stage, when the receiver asks for more time',
  card: 'extension',
  build: ({ state, person, app }, { comment }) => noStageOpen(state) ?? { type: 'decline-extension', actor: app.escalations.asSide(state, person), comment },
  after: async ({ ref, person, app }, { comment }, { state, events }) => {
    const cur = state.current!;
    const due = cur.responseDue ? ` Your response is still due by ${londonTime(cur.responseDue)}.` : '';
    await app.news.tell(cur.receiver.personId, `${ref}: ${person.name} declined your request for more time at Stage ${cur.number}: "${comment}".${due}`, ref);
    await app.news.sendResponseCard(state, events);
    return decidedView(state, 'More time declined', { name: person.name, agencyName: app.news.agencyName(person) }, app.now().toISOString(), comment);
  },
});
