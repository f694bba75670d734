/** The manager asked returns the request for a stage to the practitioner, with a comment. */
import { z } from 'zod';
import { decidedView } from '../case-views.js';
import { commandStep, requiredText } from './step.js';

export default commandStep({
  verb: 'escalation.return',
  command: 'return-escalation',
  inputs: z.object({ comment: requiredText('Add a comment to say why it is returned.') }),
  fields: [{ name: 'comment', label: 'Why are you returning it?', kind: 'long-text', maxLength: 2000 }],
  form: { title: 'Return the escalation', submit: 'Return' },
  who: 'the manager asked to approve raising the stage',
  card: 'approval',
  build: ({ state, person, app }, { comment }) => ({ type: 'return-escalation', actor: app.escalations.asApprover(state, person), comment }),
  after: async ({ ref, person, app }, { comment }, { state }) => {
    await app.news.tell(state.practitioner.personId, `${ref}: ${person.name} returned your request for the next stage: "${comment}"`, ref);
    return decidedView(state, 'Returned to the practitioner with a comment', { name: person.name, agencyName: state.escalatingAgency.name }, app.now().toISOString(), comment);
  },
});
