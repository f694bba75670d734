/** The receiver acknowledges the open stage; the raiser hears of it. */
import { z } from 'zod';
import { commandStep } from './step.js';
import { noStageOpen } from './stage-open.js';

export default commandStep({
  verb: 'stage.acknowledge',
  command: 'acknowledge',
  inputs: z.object({}),
  fields: [],
  who: 'the receiver of the open stage',
  card: 'response',
  build: ({ state, person, app }) => noStageOpen(state) ?? { type: 'acknowledge', actor: app.escalations.asReceiver(state, person), note: '' },
  after: async ({ ref, person, app }, _input, { state, events }) => {
    const cur = state.current!;
    await app.news.tell(cur.raiser.personId, `${ref}: ${person.name} (${cur.receiver.agencyName}) acknowledged Stage ${cur.number}.`, ref);
    return app.news.responseCard(state, events);
  },
});
