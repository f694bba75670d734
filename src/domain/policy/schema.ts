/**
 * The policy format: one partnership's escalation procedure as data.
 *
 * Every rule carries a `source`: a phrase quoted verbatim from the procedure document the policy
 * encodes (`document`), or `{ file, quote }` when the sentence lives in another seed file. A test
 * checks that every quote really occurs in its document, so a rule cannot drift from its source.
 * Where a procedure is silent and the pack fills a gap, the rule says so in `assumption`.
 */
import { z } from 'zod';
import { slug, text } from '../data-file.js';

/**
 * The version of the format itself (not of one procedure's rules, which is `version`). A file
 * without it is read as format 1 and migrated in memory (see ./migrate); `policies migrate`
 * rewrites the file.
 */
export const FORMAT_VERSION = 3;

export const SourceRef = z.union([
  text,
  z.object({ file: text, quote: text }).strict(),
]);
export type SourceRef = z.infer<typeof SourceRef>;

/** A sentence of guidance, a check or a step, with where it comes from. */
const Sourced = { source: SourceRef, assumption: text.optional() };

/** The languages a policy's words may be shown in; English is always there and is the fallback. */
export const LANGUAGES = ['en', 'cy'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * Welsh beside English: `cy` holds the Welsh for some of the object's own words (`{ cy: { label:
 * "..." } }`), each optional, so a policy without Welsh is unchanged and a missing translation
 * falls back to the English. `say` picks the words for a person's language.
 */
function welsh<const K extends string>(...fields: K[]) {
  return { cy: z.object(Object.fromEntries(fields.map((f) => [f, text.optional()])) as Record<K, z.ZodOptional<typeof text>>).strict().optional() };
}
type Worded<K extends string> = { [F in K]?: string | undefined } & { cy?: { [F in K]?: string | undefined } | undefined };

/** The object's words in the language asked, else in English. */
export function say<K extends string, T extends Worded<K>>(o: T, field: K, lang: Language = 'en'): NonNullable<T[K]> {
  return ((lang === 'cy' ? o.cy?.[field] : undefined) ?? o[field]) as NonNullable<T[K]>;
}

/**
 * Roles a person can hold in an agency or in the partnership. The procedures use several names for
 * one role ("supervisor/team manager", "line manager"); the label list keeps those words.
 */
export const ROLES = {
  practitioner: 'Practitioner (professional, officer, front-line worker)',
  'team-manager': 'Supervisor / team manager / line manager',
  'senior-manager': 'Service manager / senior manager',
  'safeguarding-lead': 'Named / designated safeguarding lead',
  'strategic-safeguarding-lead': 'Person with strategic responsibility for safeguarding',
  'board-member': 'Board member / agency representative on the Board',
  'board-business-manager': 'Board business manager',
  'board-quality-assurance-manager': 'Board quality assurance service manager',
  'board-chair': 'Chair of the Safeguarding Board',
  'child-protection-manager': 'Local Child Protection Manager',
  'senior-liaison-officer': 'Board senior liaison officer',
} as const;
/** What an agency is; some procedures name a different role for the same step in each kind. */
export const AGENCY_KINDS = ['childrens-social-care', 'adult-social-care', 'police', 'health', 'education', 'probation', 'voluntary', 'partnership', 'other'] as const;
export const AgencyKind = z.enum(AGENCY_KINDS);
export type AgencyKind = z.infer<typeof AgencyKind>;

export const Role = z.enum(Object.keys(ROLES) as [keyof typeof ROLES, ...(keyof typeof ROLES)[]]);
export type Role = z.infer<typeof Role>;

/**
 * Whose people fill a part: the escalating agency, the agency whose decision is challenged, the
 * partnership's own officers (Board chair, business manager), or the local authority's children's
 * social care (where a Child Protection Manager sits).
 */
export const Scope = z.enum(['escalating-agency', 'receiving-agency', 'partnership', 'childrens-social-care']);
export type Scope = z.infer<typeof Scope>;

const PartyFields = {
  /** Roles in order of preference: the first role someone holds is used. */
  roles: z.array(Role).min(1),
  scope: Scope,
  /** Roles to try when nobody holds any of `roles` (e.g. strategic safeguarding lead). */
  fallbackRoles: z.array(Role).default([]),
  /**
   * The roles that play this part in an agency of a given kind, where they differ from `roles`
   * ("the equivalent of a team manager" is a designated safeguarding lead in a school).
   */
  rolesByAgencyKind: z.partialRecord(AgencyKind, z.array(Role).min(1)).default({}),
  ...Sourced,
};

/** Someone through whom a stage is raised (Derby Stage 6: "via the agency representative for the Board"). */
export const Via = z.object(PartyFields).strict();
export type Via = z.infer<typeof Via>;

export const Party = z
  .object({
    ...PartyFields,
    /** The stage is raised through this person, who is matched and told, but is not the raiser. */
    via: Via.optional(),
  })
  .strict();
export type Party = z.infer<typeof Party>;

/** The roles that play a part in an agency of this kind, in order of preference. */
export function rolesFor(party: Pick<Party, 'roles' | 'rolesByAgencyKind'>, kind: AgencyKind | undefined): Role[] {
  return (kind && party.rolesByAgencyKind[kind]) || party.roles;
}

/**
 * A timescale. Working days follow the region's calendar (see domain/calendar); calendar days keep
 * the London wall-clock time; hours are elapsed time. `none` records that the procedure sets no fixed time ("without delay"), so no deadline is
 * scheduled and the note is shown instead.
 */
/**
 * What a deadline counts from: this stage's opening (the default), the case's opening, or an
 * earlier stage's opening. Several stages counting from the same stage share one time budget
 * (e.g. "Stages 3 to 5 within 15 working days").
 */
export const CountsFrom = z.union([z.literal('stage-opened'), z.literal('case-opened'), z.object({ stage: z.number().int().min(1) }).strict()]);
export type CountsFrom = z.infer<typeof CountsFrom>;
/**
 * "N working days or less": the procedure lets whoever opens the stage set an earlier response
 * date, when the child's safety needs one. Never a later one.
 */
export const OrSooner = z.object({ ...Sourced }).strict();
export type OrSooner = z.infer<typeof OrSooner>;
const Counted = { countsFrom: CountsFrom.default('stage-opened'), orSooner: OrSooner.optional() };

export const Timescale = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('working-days'), days: z.number().int().min(1).max(60), ...Counted, ...Sourced }).strict(),
  /** Calendar days keep the London wall-clock time, across a change of the clocks. */
  z.object({ kind: z.literal('calendar-days'), days: z.number().int().min(1).max(90), ...Counted, ...Sourced }).strict(),
  z.object({ kind: z.literal('hours'), hours: z.number().int().min(1).max(24 * 60), ...Counted, ...Sourced }).strict(),
  z.object({ kind: z.literal('none'), note: text, ...Sourced, ...welsh('note') }).strict(),
]);
export type Timescale = z.infer<typeof Timescale>;
export type TimescaleInput = z.input<typeof Timescale>;

export const OUTCOMES = [
  'resolved',
  'next-stage',
  'mediation',
  'resolution-panel',
  'child-protection-conference-considered',
  'reflective-consultation',
  'case-review-group',
  'non-binding-meeting',
  'written-reply',
] as const;
export const OutcomeType = z.enum(OUTCOMES);
export type OutcomeType = z.infer<typeof OutcomeType>;
/** The routes to a binding decision the Chair chooses between (BSCB Stage 4). */
export const BINDING_ROUTES = ['mediation', 'resolution-panel'] as const satisfies readonly OutcomeType[];
/**
 * Outcomes recorded as a step taken at the stage (a conference considered, a consultation, a review
 * group, a non-binding meeting, one side's written reply); one marked `ends` closes the case.
 */
export const OUTCOME_STEPS = ['child-protection-conference-considered', 'reflective-consultation', 'case-review-group', 'non-binding-meeting', 'written-reply'] as const satisfies readonly OutcomeType[];
export const isOutcomeStep = (t: OutcomeType): boolean => (OUTCOME_STEPS as readonly OutcomeType[]).includes(t);
export const isBindingRoute = (t: OutcomeType): t is (typeof BINDING_ROUTES)[number] => (BINDING_ROUTES as readonly OutcomeType[]).includes(t);

export const Outcome = z
  .object({
    type: OutcomeType,
    label: text,
    /** The decision reached this way binds the agencies (BSCB mediation and Resolution Panel). */
    binding: z.boolean().default(false),
    /**
     * Recording this step ends the procedure without a binding decision and without both sides
     * confirming an agreement: a non-binding meeting or reflective discussion whose conclusion
     * either side records, or one side's written reply (a `written-reply` is the receiver's).
     */
    ends: z.boolean().default(false),
    /**
     * A next-stage outcome is a route. `toStage`: where it leads (by default the stage after this
     * one). `areas`: taken when the case's area of disagreement is one of these (Derby: risk to the
     * Child Protection Manager, resources to management); a stage's routes naming the case's area
     * replace its routes naming none. `condition`: offered besides the others, to the person who
     * says this is so (Sefton: a significant-harm concern that remains goes to Children's Social
     * Care), shown in the document's words.
     */
    toStage: z.number().int().min(1).optional(),
    areas: z.array(slug).min(1).optional(),
    condition: text.optional(),
    /** Resolution panel composition. */
    panel: z
      .object({
        minAgencies: z.number().int().min(2),
        /** "Three agencies" is a number, not a floor: absent where the document sets no upper limit. */
        maxAgencies: z.number().int().min(2).optional(),
        mustIncludeDisputingAgencies: z.boolean(),
      })
      .strict()
      .refine((p) => p.maxAgencies === undefined || p.maxAgencies >= p.minAgencies, { message: 'maxAgencies must be at least minAgencies', path: ['maxAgencies'] })
      .optional(),
    ...Sourced,
    ...welsh('label', 'condition'),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.type === 'resolution-panel' && !o.panel) {
      ctx.addIssue({ code: 'custom', path: ['panel'], message: 'a resolution panel needs its composition rule' });
    }
    if (o.type !== 'next-stage') {
      for (const key of ['toStage', 'areas', 'condition'] as const) {
        if (o[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `only a next-stage outcome has "${key}"` });
      }
    }
    if (o.areas && o.condition) ctx.addIssue({ code: 'custom', path: ['condition'], message: 'a route is chosen by the area or by a condition, not both' });
    if (o.ends && (o.binding || ['resolved', 'next-stage', 'mediation', 'resolution-panel'].includes(o.type))) {
      ctx.addIssue({ code: 'custom', path: ['ends'], message: `a ${o.type}${o.binding ? ' (binding)' : ''} outcome cannot be marked "ends"; "ends" is for a step that ends the procedure without a binding decision` });
    }
    if (o.type === 'written-reply' && !o.ends) ctx.addIssue({ code: 'custom', path: ['ends'], message: 'a written reply ends the procedure: add "ends: true"' });
  });
export type Outcome = z.infer<typeof Outcome>;
export type PanelRule = NonNullable<Outcome['panel']>;

/** The panel's size in words ("3", "at least 3", "3 to 5"): the rule's text, for refusals and the rules list. */
export function panelSize(p: PanelRule): string {
  if (p.maxAgencies === undefined) return `at least ${p.minAgencies}`;
  return p.maxAgencies === p.minAgencies ? `${p.minAgencies}` : `${p.minAgencies} to ${p.maxAgencies}`;
}

/** Whether `count` distinct agencies make a panel of the size the procedure sets. */
export function panelSizeFits(p: PanelRule, count: number): boolean {
  return count >= p.minAgencies && (p.maxAgencies === undefined || count <= p.maxAgencies);
}

export const Form = z
  .object({ id: slug, name: text, ...Sourced, ...welsh('name') })
  .strict();
export type Form = z.infer<typeof Form>;

export const Guidance = z.object({ text, ...Sourced, ...welsh('text') }).strict();
export type Guidance = z.infer<typeof Guidance>;

export const QuestionGroup = z
  .object({ heading: text, questions: z.array(text).min(1), ...Sourced, cy: z.object({ heading: text.optional(), questions: z.array(text).optional() }).strict().optional() })
  .strict();
export type QuestionGroup = z.infer<typeof QuestionGroup>;

export const Inform = z.object({ role: Role, scope: Scope, why: text, ...Sourced, ...welsh('why') }).strict();
export type Inform = z.infer<typeof Inform>;

export const Stage = z
  .object({
    number: z.number().int().min(1),
    name: text,
    /** Informal or formal, where the procedure draws that line (Croydon). */
    formality: z.enum(['informal', 'formal']).optional(),
    summary: text,
    raisedBy: Party,
    receivedBy: Party,
    response: Timescale,
    acknowledgement: Timescale.optional(),
    inform: z.array(Inform).default([]),
    /** Forms issued at this stage (and only this one: a form used at Stages 3 and 5 is listed at both). */
    forms: z.array(Form).default([]),
    guidance: z.array(Guidance).default([]),
    reflectiveQuestions: z.array(QuestionGroup).default([]),
    /** Steps to take when the parties agree at this stage (check back, record, review date...). */
    onAgreement: z.array(Guidance).default([]),
    outcomes: z.array(Outcome).min(1),
    ...Sourced,
    ...welsh('name', 'summary'),
  })
  .strict();
export type Stage = z.infer<typeof Stage>;

export const Check = z.object({ id: slug, question: text, ...Sourced, ...welsh('question') }).strict();
export type Check = z.infer<typeof Check>;

export const Area = z.object({ id: slug, label: text, ...Sourced, ...welsh('label') }).strict();
export type Area = z.infer<typeof Area>;

export const UrgentRoute = z
  .object({
    /** Asked first in every walk. */
    question: text,
    guidance: text,
    contacts: z.array(z.enum(['childrens-social-care', 'adult-social-care', 'police'])).min(1),
    /** Whether, besides the guidance, a case is opened and run urgently. */
    opensCase: z.boolean(),
    /** The highest stage an urgent case may open at directly (skipping earlier stages). */
    maxStartStage: z.number().int().min(1).default(1),
    /** A shorter response timescale for every stage of an urgent case, where the procedure sets one. */
    responseTimescale: Timescale.optional(),
    ...Sourced,
    ...welsh('question', 'guidance'),
  })
  .strict();
export type UrgentRoute = z.infer<typeof UrgentRoute>;

/** Whose bank holidays count: the UK's three, or a Crown Dependency's (Jersey's Liberation Day, the Isle of Man's TT race day). */
export const Region = z.enum(['england-and-wales', 'scotland', 'northern-ireland', 'jersey', 'guernsey', 'isle-of-man']);
export type Region = z.infer<typeof Region>;

/**
 * A day the council's offices are closed beyond the region's bank holidays (a local holiday,
 * a closure between Christmas and New Year): not a working day for this procedure's timescales.
 */
export const LocalHoliday = z.object({ date: z.iso.date('must be a date, YYYY-MM-DD'), name: text, ...Sourced }).strict();
export type LocalHoliday = z.infer<typeof LocalHoliday>;

/**
 * One of several Boards or local authorities sharing a procedure (Derby City and Derbyshire), each
 * with its own chair and Children's Social Care; the one where the child lives is used.
 */
export const LocalArea = z.object({ id: slug, name: text, ...Sourced, ...welsh('name') }).strict();
export type LocalArea = z.infer<typeof LocalArea>;

/**
 * A matter this procedure is not for, and where it goes instead (Croydon: a complaint about the
 * partnership's own decisions goes to its Executive Group). Asked early in the walk; a yes ends
 * the walk with `guidance`, and nothing is recorded.
 */
export const OffRamp = z.object({ id: slug, question: text, guidance: text, ...Sourced, ...welsh('question', 'guidance') }).strict();
export type OffRamp = z.infer<typeof OffRamp>;

/** Someone the parties may ask for help at any stage (Worcestershire's Senior Liaison Officer). */
export const Adviser = z.object({ role: Role, scope: Scope, why: text, ...Sourced, ...welsh('why') }).strict();
export type Adviser = z.infer<typeof Adviser>;

export const Policy = z
  .object({
    // Files are migrated before they are checked (a file without it is format 1); the default is
    // for policies built in code.
    formatVersion: z.literal(FORMAT_VERSION, { error: `must be ${FORMAT_VERSION}; run "npm run -s cli -- policies migrate <file>" to rewrite an older file` }).default(FORMAT_VERSION),
    id: slug,
    /** Bumped whenever a rule changes; cases pin the version they opened under. */
    version: z.number().int().min(1),
    name: text,
    partnership: text,
    /** The seed file this policy encodes; plain-string sources quote it. */
    document: text,
    /** The document's own title, shown to people where a file name would mean nothing to them. */
    documentTitle: text.optional(),
    region: Region.default('england-and-wales'),
    /** The partnership's own non-working days, on top of the region's bank holidays. */
    localHolidays: z.array(LocalHoliday).default([]),
    timeZone: z.literal('Europe/London').default('Europe/London'),
    /**
     * Whom the procedure protects. A procedure that also covers adults ("individual at risk") is
     * walked in neutral words, and Adult Social Care is among its urgent contacts.
     */
    covers: z
      .object({ adults: z.boolean(), ...Sourced })
      .strict()
      .optional(),
    /** Where the procedure is shared by several Boards or local authorities: asked in the walk. */
    localAreas: z.array(LocalArea).default([]),
    areasOfDisagreement: z.array(Area).min(1),
    preEscalationChecks: z.array(Check).default([]),
    /** Matters that go to another procedure, not through these stages. */
    offRamps: z.array(OffRamp).default([]),
    /**
     * Who may record a concern for a practitioner of their own agency (the line manager or lead
     * the practitioner discusses it with). It stays the practitioner's concern; both follow it.
     */
    raisedOnBehalf: z.object({ roles: z.array(Role).min(1), ...Sourced }).strict().optional(),
    /** The attempt between the two professionals before Stage 1, where the procedure has one. */
    informalAttempt: z
      .object({ description: text, response: Timescale.optional(), ...Sourced, ...welsh('description') })
      .strict()
      .optional(),
    /** Questions for the practitioner to reflect on while raising the concern. */
    reflectiveQuestions: z.array(QuestionGroup).default([]),
    urgentRoute: UrgentRoute,
    stages: z.array(Stage).min(1),
    /** People the parties may contact at any stage, not only at one. */
    advisers: z.array(Adviser).default([]),
    /** Recording duties (the child's record, written confirmation of outcomes). */
    recording: z.array(Guidance).default([]),
    /** What is reported to the Board, and debrief and learning after resolution. */
    afterResolution: z.array(Guidance).default([]),
    ...welsh('name'),
  })
  .strict()
  .superRefine((p, ctx) => {
    p.stages.forEach((s, i) => {
      if (s.number !== i + 1) {
        ctx.addIssue({ code: 'custom', path: ['stages', i, 'number'], message: `expected stage ${i + 1}, found ${s.number}: stages are numbered 1, 2, 3... in order` });
      }
      s.outcomes.forEach((o, j) => {
        if (o.type !== 'next-stage') return;
        const to = o.toStage ?? s.number + 1;
        if (to <= s.number || to > p.stages.length) {
          const where = s.number === p.stages.length && o.toStage === undefined ? 'the last stage cannot have a next-stage outcome' : `Stage ${s.number} cannot lead to Stage ${to}: a route leads to a later stage of this procedure`;
          ctx.addIssue({ code: 'custom', path: ['stages', i, 'outcomes', j, ...(o.toStage === undefined ? [] : ['toStage'])], message: where });
        }
        o.areas?.forEach((a, k) => {
          if (!p.areasOfDisagreement.some((x) => x.id === a)) ctx.addIssue({ code: 'custom', path: ['stages', i, 'outcomes', j, 'areas', k], message: `"${a}" is not one of the areas of disagreement` });
        });
      });
      for (const [key, t] of [['response', s.response], ['acknowledgement', s.acknowledgement]] as const) {
        const from = t && 'countsFrom' in t && typeof t.countsFrom === 'object' ? t.countsFrom.stage : undefined;
        if (from !== undefined && from > s.number) {
          ctx.addIssue({ code: 'custom', path: ['stages', i, key, 'countsFrom', 'stage'], message: `Stage ${s.number} cannot count from Stage ${from}, which comes after it` });
        }
      }
      if (!s.outcomes.some((o) => o.type === 'resolved' || o.binding || o.ends)) {
        ctx.addIssue({ code: 'custom', path: ['stages', i, 'outcomes'], message: 'every stage needs a way to end (a resolved, binding or ending outcome)' });
      }
    });
    if (p.urgentRoute.maxStartStage > p.stages.length) {
      ctx.addIssue({ code: 'custom', path: ['urgentRoute', 'maxStartStage'], message: `there are only ${p.stages.length} stages` });
    }
    if (p.covers?.adults && !p.urgentRoute.contacts.includes('adult-social-care')) {
      ctx.addIssue({ code: 'custom', path: ['urgentRoute', 'contacts'], message: 'a procedure that covers adults lists adult-social-care among its urgent contacts' });
    }
    const areaIds = new Set<string>();
    p.localAreas.forEach((a, i) => {
      if (areaIds.has(a.id)) ctx.addIssue({ code: 'custom', path: ['localAreas', i, 'id'], message: `duplicate id "${a.id}"` });
      areaIds.add(a.id);
    });
    if (p.localAreas.length === 1) ctx.addIssue({ code: 'custom', path: ['localAreas'], message: 'list two or more local areas, or none' });
    const days = new Set<string>();
    p.localHolidays.forEach((h, i) => {
      if (days.has(h.date)) ctx.addIssue({ code: 'custom', path: ['localHolidays', i, 'date'], message: `${h.date} is listed twice` });
      days.add(h.date);
    });
    // Welsh reflective questions, where given, are one for one with the English.
    const groups: { path: (string | number)[]; g: QuestionGroup }[] = [
      ...p.reflectiveQuestions.map((g, i) => ({ path: ['reflectiveQuestions', i], g })),
      ...p.stages.flatMap((st, i) => st.reflectiveQuestions.map((g, j) => ({ path: ['stages', i, 'reflectiveQuestions', j], g }))),
    ];
    for (const { path, g } of groups) {
      if (g.cy?.questions && g.cy.questions.length !== g.questions.length) {
        ctx.addIssue({ code: 'custom', path: [...path, 'cy', 'questions'], message: `give the Welsh of each of the ${g.questions.length} questions, in the same order` });
      }
    }
    const rampIds = new Set<string>();
    p.offRamps.forEach((r, i) => {
      if (rampIds.has(r.id)) ctx.addIssue({ code: 'custom', path: ['offRamps', i, 'id'], message: `duplicate id "${r.id}"` });
      rampIds.add(r.id);
    });
    const ids = new Set<string>();
    p.areasOfDisagreement.forEach((a, i) => {
      if (ids.has(a.id)) ctx.addIssue({ code: 'custom', path: ['areasOfDisagreement', i, 'id'], message: `duplicate id "${a.id}"` });
      ids.add(a.id);
    });
  });
export type Policy = z.infer<typeof Policy>;
export type PolicyInput = z.input<typeof Policy>;
