/** What the person can say and do. */
import { z } from 'zod';
import { notice } from '../case-views.js';
import { helpText } from '../replies.js';
import { done, type CaselessStep } from './step.js';

const step: CaselessStep = {
  verb: 'help',
  command: null,
  inputs: z.object({}),
  fields: [],
  who: 'anyone in the directory',
  card: 'welcome',
  shows: true,
  caseless: true,
  take: async ({ app }) => done(notice('Help', helpText(app.directory))),
};
export default step;
