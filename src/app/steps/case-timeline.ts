/** The timeline of a case, for someone taking part (the Board's notice carries this button). */
import { z } from 'zod';
import { notPartOf } from '../escalations.js';
import { notice } from '../case-views.js';
import { caseStatusText, statusRange } from '../replies.js';
import { done, refused, type CaseStep } from './step.js';

const step: CaseStep = {
  verb: 'case.timeline',
  command: null,
  inputs: z.object({}),
  fields: [],
  who: 'anyone taking part in the case',
  card: 'board-notice',
  shows: true,
  take: async ({ ref, person, app }) => {
    // The summary is the one of the person's own cases: a case they only approve or cover for has none yet.
    const summary = (await app.store.findCases({ participantId: person.id })).find((c) => c.ref === ref);
    if (!summary) return refused(ref, notPartOf(ref));
    return done(notice(`Case ${ref}`, caseStatusText(summary, await app.store.load(ref, statusRange(summary, 1)), app.directory)));
  },
};
export default step;
