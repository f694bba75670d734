/** The cases the person takes part in, with their stage and what is due. */
import { z } from 'zod';
import { notice } from '../case-views.js';
import { myCasesText } from '../replies.js';
import { done, type CaselessStep } from './step.js';

const step: CaselessStep = {
  verb: 'cases.mine',
  command: null,
  inputs: z.object({}),
  fields: [],
  who: 'anyone in the directory (their own cases)',
  card: 'welcome',
  shows: true,
  caseless: true,
  take: async ({ person, app }) => done(notice('My cases', myCasesText(await app.store.findCases({ participantId: person.id })))),
};
export default step;
