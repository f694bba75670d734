/**
 * The Chair (the receiver at a stage offering mediation or a resolution panel) chooses the route,
 * and for a panel its agencies from the directory. Everyone taking part is told; the Chair's card
 * becomes the one to record the decision.
 */
import { z } from 'zod';
import { notice } from '../case-views.js';
import { bindingDecisionView } from '../outcome-views.js';
import { panelAgenciesOf } from '../step-inputs.js';
import { choice, commandStep, optionalText } from './step.js';
import { noStageOpen } from './stage-open.js';

export default commandStep({
  verb: 'binding.route',
  command: 'choose-binding-route',
  inputs: z.object({ route: choice(['mediation', 'resolution-panel'], 'Choose mediation or a resolution panel.'), panelAgencies: optionalText() }),
  fields: [
    { name: 'route', label: 'How will it be resolved?', kind: 'choice', choices: [{ value: 'mediation', label: 'Mediation' }, { value: 'resolution-panel', label: 'A resolution panel' }] },
    { name: 'panelAgencies', label: "The panel's agencies (for a panel only)", kind: 'text' },
  ],
  form: { title: 'Mediation or panel', submit: 'Record', fromCard: true },
  who: 'the Chair: the receiver of a stage offering mediation or a resolution panel',
  card: 'binding-route',
  build: ({ state, person, app }, { route, panelAgencies }) => {
    const panel = panelAgenciesOf(panelAgencies, app.news.agencies());
    if (!panel.ok) return { refused: panel.message };
    return noStageOpen(state) ?? { type: 'choose-binding-route', actor: app.escalations.asReceiver(state, person), route, panelAgencies: panel.value };
  },
  after: async ({ ref, person, app }, _input, { state }) => {
    const chosen = state.current!.bindingRoute!;
    const how = chosen.route === 'mediation' ? 'mediation' : `a resolution panel of ${chosen.panelAgencies.map((a) => a.name).join(', ')}`;
    await app.news.everyone(state, person.id, `${ref}: ${person.name} (${app.news.agencyName(person)}) will resolve the disagreement at Stage ${state.current!.number} through ${how}. Everyone taking part will be told the decision.`);
    // The Chair's next step replaces this card: recording the decision.
    return bindingDecisionView(state) ?? notice(`Case ${ref}`, `Recorded: ${how}.`);
  },
});
