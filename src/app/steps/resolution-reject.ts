/** The other side rejects the proposed outcome (optionally saying why); the proposer hears, and the stage stays open. */
import { z } from 'zod';
import { proposerOf } from '../../domain/escalation/queries.js';
import { decidedView } from '../case-views.js';
import { commandStep, optionalText } from './step.js';
import { noStageOpen } from './stage-open.js';

export default commandStep({
  verb: 'resolution.reject',
  command: 'reject-resolution',
  inputs: z.object({ comment: optionalText() }),
  fields: [{ name: 'comment', label: 'Why do you reject it?', kind: 'long-text', maxLength: 2000 }],
  form: { title: 'Reject the outcome', submit: 'Reject' },
  who: 'the other side of the open stage from the one that proposed the outcome',
  card: 'resolution-confirm',
  build: ({ state, person, app }, { comment }) => noStageOpen(state) ?? { type: 'reject-resolution', actor: app.escalations.asSide(state, person), comment },
  after: async (ctx, { comment }, { state }) => {
    const { ref, person, app } = ctx;
    // The proposer as the case stood before the rejection cleared the proposal.
    const proposer = proposerOf(ctx.state);
    if (proposer) await app.news.tell(proposer.personId, `${ref}: ${person.name} did not confirm the proposed outcome${comment ? `: "${comment}"` : '.'} The stage stays open.`, ref);
    return decidedView(state, 'Proposed outcome rejected; the stage stays open', { name: person.name, agencyName: app.news.agencyName(person) }, app.now().toISOString(), comment || undefined);
  },
});
