/** The timeline of a case, for someone taking part (the Board's notice carries this button). */
import { z } from 'zod';
import { notPartOf } from '../escalations.js';
import { notice } from '../case-views.js';
import { summarise } from '../case-summary.js';
import { caseStatusText } from '../replies.js';
import { done, refused, type CaseStep } from './step.js';

const step: CaseStep = {
  verb: 'case.timeline',
  command: null,
  inputs: z.object({}),
  fields: [],
  who: 'anyone taking part in the case',
  card: 'board-notice',
  shows: true,
  take: async ({ ref, person, app, state, events }) => {
    // One of the person's own cases (as `my cases` lists them): a case they only approve or cover for is not yet.
    if (!state.participantIds.includes(person.id)) return refused(ref, notPartOf(ref));
    // The first page of `status`: the latest events, which the runner read with the case, numbered up to its version.
    const page = events.map((event, i) => ({ seq: state.version - events.length + 1 + i, event }));
    return done(notice(`Case ${ref}`, caseStatusText(summarise(state, app.now().toISOString()), page, app.directory)));
  },
};
export default step;
