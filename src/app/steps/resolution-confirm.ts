/** The other side confirms the proposed outcome: the case is resolved, and everyone taking part hears it. */
import { z } from 'zod';
import { decidedView } from '../case-views.js';
import { commandStep } from './step.js';
import { noStageOpen } from './stage-open.js';

export default commandStep({
  verb: 'resolution.confirm',
  command: 'confirm-resolution',
  inputs: z.object({}),
  fields: [],
  who: 'the other side of the open stage from the one that proposed the outcome',
  card: 'resolution-confirm',
  build: ({ state, person, app }) => noStageOpen(state) ?? { type: 'confirm-resolution', actor: app.escalations.asSide(state, person) },
  after: async ({ ref, person, app }, _input, { state }) => {
    const agreed = state.agreed;
    const review = agreed?.reviewDate ? ` The actions will be checked on ${agreed.reviewDate}.` : '';
    // Everyone taking part hears the outcome, the practitioner who raised the concern included.
    for (const id of state.participantIds.filter((id) => id !== person.id)) {
      await app.news.tell(id, `${ref} is resolved at Stage ${state.current?.number}. Agreed: "${agreed?.summary ?? ''}"${review}`, ref);
    }
    return decidedView(state, 'Outcome confirmed: resolved', { name: person.name, agencyName: app.news.agencyName(person) }, app.now().toISOString(), agreed?.summary);
  },
});
