/**
 * The intake walk: the questions a practitioner answers before a case opens, in the order the
 * procedures' flowcharts ask them. The urgent-risk question always comes first, because a child
 * at immediate risk goes to Children's Social Care or the police at once, not through escalation.
 *
 * The walk is pure: given the policy and the answers so far it says what to ask next, checks an
 * answer and, at the end, produces the IntakeAnswers the `open-case` command carries. Channels
 * (Teams cards, Slack modals) render the steps; they hold no rules of their own.
 */
import type { IntakeAnswers } from './escalation/events.js';
import { say, type Language, type Policy } from './policy/schema.js';
import { EMPTY_ALLOW_LIST, findIdentifying, identifyingMessage, type AllowList } from './personal-data.js';

export type Choice = { value: string; label: string };

export type IntakeStep =
  | { id: string; kind: 'yes-no'; prompt: string; help?: string }
  | { id: string; kind: 'text'; prompt: string; help?: string; optional: boolean; maxLength: number }
  | { id: string; kind: 'choice'; prompt: string; help?: string; choices: Choice[] };

/** Answers so far, by step id; yes-no answers are booleans, everything else text. */
export type Draft = Record<string, string | boolean>;

export type IntakeContext = {
  /** Agencies the practitioner may escalate to (every agency but their own and the Board). */
  otherAgencies: Choice[];
  /**
   * For the identity guard: the names answers may carry (the directory's) and today's date (a date
   * of birth is a date far enough back). Without it, no name is allowed and a date counts as a
   * date of birth only beside "DOB" or "born", or in the case reference.
   */
  guard?: { allow: AllowList; today: Date };
  /**
   * Colleagues at the person's agency whose concern they may record (where the policy lets a
   * manager or lead raise it on a practitioner's behalf and the person holds such a role).
   */
  colleagues?: Choice[];
  /** The person's language: the policy's words are shown in it where the policy has them (`cy`). */
  language?: Language;
};

export const STEP = {
  urgent: 'immediate-risk',
  discussed: 'discussed-with-other-professional',
  agency: 'other-agency',
  decision: 'decision-challenged',
  area: 'area',
  localArea: 'local-area',
  aim: 'aim',
  ref: 'child-record-ref',
  startStage: 'start-stage',
  onBehalf: 'whose-concern',
} as const;
/** The answer to "whose concern is this?" for one's own. */
export const OWN_CONCERN = 'own';

const checkId = (id: string) => `check:${id}`;
const reflectId = (i: number) => `reflect:${i}`;
const offRampId = (id: string) => `off-ramp:${id}`;

/** Whom the walk speaks of: a procedure that also covers adults is walked in neutral words. */
const subjectOf = (policy: Policy) => (policy.covers?.adults ? 'person at risk' : 'child');

/** Every step the walk asks, given the answers so far (the urgent answer changes the walk). */
export function intakeSteps(policy: Policy, ctx: IntakeContext, draft: Draft): IntakeStep[] {
  const subject = subjectOf(policy);
  const lang = ctx.language;
  const steps: IntakeStep[] = [{ id: STEP.urgent, kind: 'yes-no', prompt: say(policy.urgentRoute, 'question', lang) }];
  const urgent = draft[STEP.urgent] === true;
  if (urgent && !policy.urgentRoute.opensCase) return steps;
  if (!urgent) {
    // A matter another procedure is for (a complaint about the partnership's own decisions) ends the walk.
    for (const ramp of policy.offRamps) {
      steps.push({ id: offRampId(ramp.id), kind: 'yes-no', prompt: say(ramp, 'question', lang) });
      if (draft[offRampId(ramp.id)] === true) return steps;
    }
    for (const check of policy.preEscalationChecks) steps.push({ id: checkId(check.id), kind: 'yes-no', prompt: say(check, 'question', lang) });
    if (policy.informalAttempt) {
      steps.push({ id: STEP.discussed, kind: 'yes-no', prompt: 'Have you already discussed this with the professional in the other agency and tried to resolve it?', help: say(policy.informalAttempt, 'description', lang) });
    }
  }
  if (ctx.colleagues?.length) {
    steps.push({ id: STEP.onBehalf, kind: 'choice', prompt: 'Whose concern is this?', help: 'You may record it for a practitioner of your agency who discussed it with you; it stays their concern and you both follow it.', choices: [{ value: OWN_CONCERN, label: 'My own' }, ...ctx.colleagues] });
  }
  steps.push(
    { id: STEP.agency, kind: 'choice', prompt: 'Which agency made the decision you disagree with?', choices: ctx.otherAgencies },
    // A procedure shared by several Boards (Derby City and Derbyshire): whose Board and Children's Social Care act.
    ...(policy.localAreas.length > 1
      ? [{ id: STEP.localArea, kind: 'choice' as const, prompt: `Where does the ${subject} live?`, choices: policy.localAreas.map((a) => ({ value: a.id, label: say(a, 'name', lang) })) }]
      : []),
    { id: STEP.decision, kind: 'text', prompt: 'What decision or action are you challenging?', optional: false, maxLength: 2000 },
    {
      id: STEP.area,
      kind: 'choice',
      prompt: 'What is the disagreement mainly about?',
      choices: policy.areasOfDisagreement.map((a) => ({ value: a.id, label: say(a, 'label', lang) })),
    },
    { id: STEP.aim, kind: 'text', prompt: 'What do you aim to achieve?', optional: false, maxLength: 2000 },
    {
      id: STEP.ref,
      kind: 'text',
      prompt: `Your agency’s reference for the ${subject}’s record`,
      help: `A reference only: never the ${subject}’s name, date of birth or NHS number.`,
      optional: false,
      maxLength: 64,
    },
  );
  if (urgent && policy.urgentRoute.maxStartStage > 1) {
    steps.push({
      id: STEP.startStage,
      kind: 'choice',
      prompt: `The ${subject} may be at risk of immediate harm, so the concern can go straight to a higher stage. Where should it start?`,
      choices: policy.stages
        .slice(0, policy.urgentRoute.maxStartStage)
        .map((s) => ({ value: String(s.number), label: `Stage ${s.number}: ${say(s, 'name', lang)}` })),
    });
  }
  if (!urgent) {
    policy.reflectiveQuestions.forEach((group, i) =>
      steps.push({ id: reflectId(i), kind: 'text', prompt: (lang === 'cy' && group.cy?.heading) || group.heading, help: ((lang === 'cy' && group.cy?.questions) || group.questions).join(' '), optional: true, maxLength: 2000 }),
    );
  }
  return steps;
}

/** The first unanswered step, or null when the walk is complete. */
export function nextStep(policy: Policy, ctx: IntakeContext, draft: Draft): IntakeStep | null {
  return intakeSteps(policy, ctx, draft).find((s) => !(s.id in draft)) ?? null;
}

export type AnswerResult = { ok: true; draft: Draft } | { ok: false; message: string };

/** Checks one answer; a bad answer changes nothing and says why. */
export function answer(policy: Policy, ctx: IntakeContext, draft: Draft, stepId: string, raw: unknown): AnswerResult {
  const step = intakeSteps(policy, ctx, draft).find((s) => s.id === stepId);
  if (!step) return { ok: false, message: 'That question is not part of this walk any more.' };
  let value: string | boolean;
  if (step.kind === 'yes-no') {
    if (raw !== true && raw !== false && raw !== 'yes' && raw !== 'no') return { ok: false, message: 'Please answer yes or no.' };
    value = raw === true || raw === 'yes';
    if (step.id.startsWith('check:') && !value) {
      return { ok: false, message: `Escalation is for when this is true. ${step.prompt} If it is not yet, talk it through with a colleague or your safeguarding lead first.` };
    }
  } else {
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (step.kind === 'choice') {
      if (!step.choices.some((c) => c.value === text)) return { ok: false, message: 'Please pick one of the options.' };
    } else {
      if (!text && !step.optional) return { ok: false, message: 'This answer is needed.' };
      if (text.length > step.maxLength) return { ok: false, message: `Please keep this under ${step.maxLength} characters.` };
      // Nothing that identifies a child goes into the record: the reference strictly, the rest as prose.
      const field = step.id === STEP.ref ? 'case-ref' : 'free-text';
      const found = findIdentifying(text, { field, allow: ctx.guard?.allow ?? EMPTY_ALLOW_LIST, today: ctx.guard?.today ?? new Date(0) });
      if (found.length) return { ok: false, message: identifyingMessage(found, field) };
    }
    value = text;
  }
  // Changing the urgent answer changes which questions follow, so later answers are dropped.
  const next: Draft = { ...draft, [stepId]: value };
  if (stepId === STEP.urgent && draft[STEP.urgent] !== undefined && draft[STEP.urgent] !== value) {
    return { ok: true, draft: { [STEP.urgent]: value } };
  }
  return { ok: true, draft: next };
}

/** Steps back: forgets the last answered step. */
export function back(policy: Policy, ctx: IntakeContext, draft: Draft): Draft {
  const answered = intakeSteps(policy, ctx, draft).filter((s) => s.id in draft);
  const last = answered[answered.length - 1];
  if (!last) return draft;
  const { [last.id]: _dropped, ...rest } = draft;
  return rest;
}

export type Completed =
  | { kind: 'urgent-guidance'; guidance: string; contacts: Policy['urgentRoute']['contacts'] }
  /** Not for this procedure: where it goes instead, in the procedure's words. Nothing is recorded. */
  | { kind: 'off-ramp'; guidance: string }
  /** `onBehalfOf`: the colleague whose concern it is, where it is not the person's own. */
  | { kind: 'case'; urgent: boolean; receivingAgencyId: string; startStage: number; intake: IntakeAnswers; onBehalfOf?: string };

/** The walk's result once `nextStep` is null. */
export function complete(policy: Policy, ctx: IntakeContext, draft: Draft): Completed | null {
  if (nextStep(policy, ctx, draft)) return null;
  const urgent = draft[STEP.urgent] === true;
  if (urgent && !policy.urgentRoute.opensCase) {
    return { kind: 'urgent-guidance', guidance: say(policy.urgentRoute, 'guidance', ctx.language), contacts: policy.urgentRoute.contacts };
  }
  const ramp = urgent ? undefined : policy.offRamps.find((r) => draft[offRampId(r.id)] === true);
  if (ramp) return { kind: 'off-ramp', guidance: say(ramp, 'guidance', ctx.language) };
  const text = (id: string) => (typeof draft[id] === 'string' ? (draft[id] as string) : '');
  const reflections: Record<string, string> = {};
  policy.reflectiveQuestions.forEach((g, i) => {
    if (text(reflectId(i))) reflections[g.heading] = text(reflectId(i));
  });
  return {
    kind: 'case',
    urgent,
    receivingAgencyId: text(STEP.agency),
    startStage: urgent && draft[STEP.startStage] ? Number(draft[STEP.startStage]) : 1,
    ...(text(STEP.onBehalf) && text(STEP.onBehalf) !== OWN_CONCERN ? { onBehalfOf: text(STEP.onBehalf) } : {}),
    intake: {
      // An urgent walk skips the checks: nothing is recorded as answered that was not asked.
      checks: urgent ? {} : Object.fromEntries(policy.preEscalationChecks.map((c) => [c.id, draft[checkId(c.id)] === true])),
      // An urgent case goes straight to a stage; there is no time for a separate informal attempt.
      discussedWithOtherProfessional: urgent || !policy.informalAttempt || draft[STEP.discussed] === true,
      decisionChallenged: text(STEP.decision),
      areaId: text(STEP.area),
      ...(text(STEP.localArea) ? { localAreaId: text(STEP.localArea) } : {}),
      aim: text(STEP.aim),
      childRecordRef: text(STEP.ref),
      reflections,
    },
  };
}
