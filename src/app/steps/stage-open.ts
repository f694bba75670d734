/** Shared by the steps on an open stage. */
import type { CaseState } from '../../domain/escalation/state.js';
import type { Refusal } from './step.js';

/** The refusal when the case has no stage open (the step is about one), else null. */
export const noStageOpen = (state: CaseState): Refusal | null => (state.current ? null : { refused: `Case ${state.ref} has no stage open.` });
