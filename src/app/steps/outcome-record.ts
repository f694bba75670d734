/**
 * Either side of the open stage records one of the procedure's other outcome steps at that stage
 * (e.g. "child protection conference considered"), with what was decided; everyone taking part
 * hears. A step that ends the procedure (a written reply, a non-binding meeting) closes the case,
 * and everyone is told so. The typed `step <ref> <step> <what was decided>` is a door onto this
 * step (`CaseFlow.command`), through the same runner.
 */
import { z } from 'zod';
import { OUTCOME_STEPS } from '../../domain/policy/schema.js';
import type { CaseState } from '../../domain/escalation/state.js';
import { stageOf } from '../../domain/escalation/queries.js';
import { decidedView } from '../case-views.js';
import { forReaders } from '../reader.js';
import { choice, commandStep, requiredText } from './step.js';
import { noStageOpen } from './stage-open.js';

export default commandStep({
  verb: 'outcome.record',
  command: 'record-outcome-step',
  inputs: z.object({ outcome: choice(OUTCOME_STEPS, 'Choose the step that was taken.'), note: requiredText('Say what was decided.') }),
  fields: [
    { name: 'outcome', label: 'What was done', kind: 'choice', choices: OUTCOME_STEPS.map((o) => ({ value: o, label: o.replace(/-/g, ' ') })) },
    { name: 'note', label: 'What was decided', kind: 'long-text', maxLength: 2000 },
  ],
  form: { title: 'Record a step', submit: 'Record', fromCard: true },
  who: 'either side of the open stage (the raiser or the receiver), at a stage with such steps',
  card: 'outcome-step',
  build: ({ state, person, app }, { outcome, note }) => noStageOpen(state) ?? { type: 'record-outcome-step', actor: app.escalations.asSide(state, person), outcome, note },
  after: async ({ ref, person, app }, { outcome, note }, { state }) => {
    const cur = state.current!;
    // The step's label is the procedure's words, so each reader gets it in their language.
    const label = (s: CaseState) => stageOf(s, cur.number)?.outcomes.find((o) => o.type === outcome)?.label ?? outcome;
    // A step that ends the procedure closed the case: everyone is told so.
    const ended = state.phase === 'closed' ? `. ${ref} is closed: the procedure ended with this step.` : '';
    await app.news.everyone(state, person.id, forReaders(state, (s) => `${ref}, Stage ${cur.number}: ${person.name} (${app.news.agencyName(person)}) recorded "${label(s)}": "${note}"${ended}`));
    return decidedView(state, `Recorded: ${label(state)}${ended}`, { name: person.name, agencyName: app.news.agencyName(person) }, app.now().toISOString(), note);
  },
});
