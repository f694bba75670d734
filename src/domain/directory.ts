/**
 * The directory: the partnership's agencies and people, their roles, who covers for whom, and
 * how to reach them on Teams and Slack. Loaded from a file (YAML or JSON) and checked as a whole,
 * so a reference to a person or agency that does not exist is caught before anyone relies on it.
 */
import { z } from 'zod';
import { parseDataFile, slug, text } from './data-file.js';
import { AgencyKind, LANGUAGES, Role } from './policy/schema.js';


export const Partnership = z.object({ id: slug, name: text, policyId: slug }).strict();
export type Partnership = z.infer<typeof Partnership>;

/**
 * The Board itself is the agency of kind `partnership`; the local authority's is
 * `childrens-social-care` (the kinds are listed with the policy format, which names roles per kind).
 */
export { AgencyKind };

export const Agency = z
  .object({
    id: slug,
    name: text,
    kind: AgencyKind,
    /**
     * For a Board or Children's Social Care in a partnership of several local areas (Derby City
     * and Derbyshire): the area it serves, as the policy's localAreas name it.
     */
    localAreaId: slug.optional(),
    /** Who manages a concern when nobody in the agency holds the role a stage names. */
    strategicSafeguardingLeadId: slug.optional(),
    /**
     * Another agency whose officers act for this one where nobody here can (a GP practice served
     * by the health board's named GP, a small charity by the council's safeguarding team).
     */
    servedBy: slug.optional(),
  })
  .strict();
export type Agency = z.infer<typeof Agency>;

export const Person = z
  .object({
    id: slug,
    name: text,
    agencyId: slug,
    roles: z.array(Role).min(1),
    jobTitle: text.optional(),
    email: z.email('must be an email address').optional(),
    lineManagerId: slug.optional(),
    /** Who covers while this person is unavailable (someone at the same agency). */
    deputyId: slug.optional(),
    /** False while on leave or otherwise away: their deputy is matched instead. */
    available: z.boolean().default(true),
    /** The language the procedure's words are shown in (`cy`: Welsh, where the policy has it); English by default. */
    language: z.enum(LANGUAGES).optional(),
    identities: z
      .object({
        teams: z.object({ aadObjectId: text, userPrincipalName: text.optional() }).strict().optional(),
        slack: z.object({ teamId: text, userId: text }).strict().optional(),
      })
      .strict()
      .default({}),
  })
  .strict();
export type Person = z.infer<typeof Person>;

export const Directory = z
  .object({
    partnership: Partnership,
    agencies: z.array(Agency).min(2),
    people: z.array(Person),
  })
  .strict()
  .superRefine((d, ctx) => {
    const agencies = new Set<string>();
    d.agencies.forEach((a, i) => {
      if (agencies.has(a.id)) ctx.addIssue({ code: 'custom', path: ['agencies', i, 'id'], message: `duplicate agency id "${a.id}"` });
      agencies.add(a.id);
    });
    const people = new Set<string>();
    d.people.forEach((p, i) => {
      if (people.has(p.id)) ctx.addIssue({ code: 'custom', path: ['people', i, 'id'], message: `duplicate person id "${p.id}"` });
      people.add(p.id);
    });
    const boards = d.agencies.filter((a) => a.kind === 'partnership');
    const byArea = new Map<string, number>();
    for (const b of boards) byArea.set(b.localAreaId ?? '', (byArea.get(b.localAreaId ?? '') ?? 0) + 1);
    if (boards.length === 0 || (boards.every((b) => !b.localAreaId) && boards.length !== 1)) {
      ctx.addIssue({ code: 'custom', path: ['agencies'], message: `exactly one agency must be of kind "partnership" (the Board); found ${boards.length}` });
    } else if ([...byArea.values()].some((n) => n > 1)) {
      ctx.addIssue({ code: 'custom', path: ['agencies'], message: 'one agency of kind "partnership" (a Board) per local area: two serve the same one' });
    }
    d.agencies.forEach((a, i) => {
      if (a.strategicSafeguardingLeadId && !people.has(a.strategicSafeguardingLeadId)) {
        ctx.addIssue({ code: 'custom', path: ['agencies', i, 'strategicSafeguardingLeadId'], message: `no person with id "${a.strategicSafeguardingLeadId}"` });
      }
      if (a.servedBy && (!agencies.has(a.servedBy) || a.servedBy === a.id)) {
        ctx.addIssue({ code: 'custom', path: ['agencies', i, 'servedBy'], message: a.servedBy === a.id ? 'an agency cannot be served by itself' : `no agency with id "${a.servedBy}"` });
      }
    });
    const agencyOf = new Map(d.people.map((p) => [p.id, p.agencyId]));
    const teams = new Map<string, string>();
    const slack = new Map<string, string>();
    d.people.forEach((p, i) => {
      if (!agencies.has(p.agencyId)) ctx.addIssue({ code: 'custom', path: ['people', i, 'agencyId'], message: `no agency with id "${p.agencyId}"` });
      for (const field of ['lineManagerId', 'deputyId'] as const) {
        const ref = p[field];
        if (ref && !people.has(ref)) ctx.addIssue({ code: 'custom', path: ['people', i, field], message: `no person with id "${ref}"` });
        if (ref === p.id) ctx.addIssue({ code: 'custom', path: ['people', i, field], message: 'a person cannot be their own line manager or deputy' });
      }
      const deputyAgency = p.deputyId && p.deputyId !== p.id ? agencyOf.get(p.deputyId) : undefined;
      if (deputyAgency && deputyAgency !== p.agencyId) {
        ctx.addIssue({ code: 'custom', path: ['people', i, 'deputyId'], message: `"${p.deputyId}" works at "${deputyAgency}", not "${p.agencyId}": a deputy covers within the same agency` });
      }
      const t = p.identities.teams?.aadObjectId;
      if (t && teams.has(t)) ctx.addIssue({ code: 'custom', path: ['people', i, 'identities', 'teams', 'aadObjectId'], message: `already used by "${teams.get(t)}"` });
      if (t) teams.set(t, p.id);
      const s = p.identities.slack ? `${p.identities.slack.teamId}/${p.identities.slack.userId}` : undefined;
      if (s && slack.has(s)) ctx.addIssue({ code: 'custom', path: ['people', i, 'identities', 'slack', 'userId'], message: `already used by "${slack.get(s)}"` });
      if (s) slack.set(s, p.id);
    });
  });
export type Directory = z.infer<typeof Directory>;

export type DirectoryResult = { ok: true; directory: Directory } | { ok: false; errors: string[] };

/** Parses a directory file (JSON if the name ends in .json, else YAML); every error names the file and path. */
export function parseDirectory(fileName: string, content: string): DirectoryResult {
  const r = parseDataFile(fileName, content, Directory);
  return r.ok ? { ok: true, directory: r.value } : r;
}

export function personById(d: Directory, id: string): Person | undefined {
  return d.people.find((p) => p.id === id);
}

export function agencyById(d: Directory, id: string): Agency | undefined {
  return d.agencies.find((a) => a.id === id);
}

/** The agency of a kind that serves the local area; one with no area serves every area. */
function ofKindIn(d: Directory, kind: Agency['kind'], localAreaId: string | undefined): Agency | undefined {
  const all = d.agencies.filter((a) => a.kind === kind);
  return (localAreaId ? all.find((a) => a.localAreaId === localAreaId) : undefined) ?? all.find((a) => !a.localAreaId) ?? (localAreaId ? undefined : all[0]);
}

/** The Board's own agency (a valid directory has one, or one per local area). */
export function partnershipAgency(d: Directory, localAreaId?: string): Agency {
  const board = ofKindIn(d, 'partnership', localAreaId);
  if (!board) throw new Error(localAreaId ? `the directory has no partnership agency for the local area "${localAreaId}"` : 'the directory has no partnership agency');
  return board;
}

/** The Board of the child's local area where there are several (Derby City's, Derbyshire's), else the one Board. */
export function boardOf(d: Directory, localAreaId?: string): Agency | undefined {
  return ofKindIn(d, 'partnership', localAreaId);
}

/** The local authority's children's social care (of the child's local area), where the directory has one. */
export function childrensSocialCareAgency(d: Directory, localAreaId?: string): Agency | undefined {
  return ofKindIn(d, 'childrens-social-care', localAreaId);
}

/** The people of one agency, in directory order. */
export function peopleOf(d: Directory, agencyId: string): Person[] {
  return d.people.filter((p) => p.agencyId === agencyId);
}

export function findPersonByTeamsId(d: Directory, aadObjectId: string): Person | undefined {
  return d.people.find((p) => p.identities.teams?.aadObjectId === aadObjectId);
}

export function findPersonBySlackId(d: Directory, teamId: string, userId: string): Person | undefined {
  return d.people.find((p) => p.identities.slack?.teamId === teamId && p.identities.slack.userId === userId);
}

/** Work emails compare without regard to case (Entra and Slack may spell them differently). */
export function findPersonByEmail(d: Directory, email: string): Person | undefined {
  const wanted = email.trim().toLowerCase();
  return d.people.find((p) => p.email?.toLowerCase() === wanted);
}

/**
 * Who has each Teams id, Slack account and email, so the person behind each message is found
 * without reading through everyone. Made from a directory as it stands (and made again when it
 * changes), it answers as the finds above do: the first person in directory order.
 */
export class PeopleIndex {
  private readonly teams = new Map<string, Person>();
  /** By Slack team id, then user id. */
  private readonly slack = new Map<string, Map<string, Person>>();
  /** By email in lower case. */
  private readonly emails = new Map<string, Person>();

  constructor(d: Directory) {
    for (const p of d.people) {
      const aad = p.identities.teams?.aadObjectId;
      if (aad !== undefined && !this.teams.has(aad)) this.teams.set(aad, p);
      const slack = p.identities.slack;
      if (slack) {
        let users = this.slack.get(slack.teamId);
        if (!users) this.slack.set(slack.teamId, (users = new Map()));
        if (!users.has(slack.userId)) users.set(slack.userId, p);
      }
      const email = p.email?.toLowerCase();
      if (email !== undefined && !this.emails.has(email)) this.emails.set(email, p);
    }
  }

  byTeamsId(aadObjectId: string): Person | undefined {
    return this.teams.get(aadObjectId);
  }

  bySlackId(teamId: string, userId: string): Person | undefined {
    return this.slack.get(teamId)?.get(userId);
  }

  /** Without regard to case, as `findPersonByEmail`. */
  byEmail(email: string): Person | undefined {
    return this.emails.get(email.trim().toLowerCase());
  }
}
