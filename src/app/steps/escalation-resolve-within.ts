/** The manager asked resolves it within their own agency instead of escalating; the case closes. */
import { z } from 'zod';
import { decidedView } from '../case-views.js';
import { commandStep, requiredText } from './step.js';

export default commandStep({
  verb: 'escalation.resolve-within',
  command: 'resolve-within-agency',
  // The card's one comment box serves Return and Resolve within; here it says how it was resolved.
  inputs: z.object({ comment: requiredText('Say how it was resolved within your agency.') }),
  fields: [{ name: 'comment', label: 'How was it resolved within your agency?', kind: 'long-text', maxLength: 2000 }],
  form: { title: 'Resolve within agency', submit: 'Record' },
  who: 'the manager asked to approve raising the stage',
  card: 'approval',
  build: ({ state, person, app }, { comment }) => ({ type: 'resolve-within-agency', actor: app.escalations.asApprover(state, person), summary: comment }),
  after: async ({ ref, person, app }, { comment }, { state }) => {
    await app.news.tell(state.practitioner.personId, `${ref}: ${person.name} resolved it within ${state.escalatingAgency.name} without escalating, and the case is closed: "${comment}"`, ref);
    return decidedView(state, 'Resolved within our agency; the case is closed', { name: person.name, agencyName: state.escalatingAgency.name }, app.now().toISOString(), comment);
  },
});
