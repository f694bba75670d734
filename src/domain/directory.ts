/**
 * The directory: the partnership's agencies and people, their roles, who covers for whom, and
 * how to reach them on Teams and Slack. Loaded from a file (YAML or JSON) and checked as a whole,
 * so a reference to a person or agency that does not exist is caught before anyone relies on it.
 */
import { z } from 'zod';
import { parseDataFile, slug, text } from './data-file.js';
import { AgencyKind, Role } from './policy/schema.js';


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
    /** Who manages a concern when nobody in the agency holds the role a stage names. */
    strategicSafeguardingLeadId: slug.optional(),
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
    const partnerships = d.agencies.filter((a) => a.kind === 'partnership').length;
    if (partnerships !== 1) {
      ctx.addIssue({ code: 'custom', path: ['agencies'], message: `exactly one agency must be of kind "partnership" (the Board); found ${partnerships}` });
    }
    d.agencies.forEach((a, i) => {
      if (a.strategicSafeguardingLeadId && !people.has(a.strategicSafeguardingLeadId)) {
        ctx.addIssue({ code: 'custom', path: ['agencies', i, 'strategicSafeguardingLeadId'], message: `no person with id "${a.strategicSafeguardingLeadId}"` });
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

/** The Board's own agency (a valid directory has exactly one). */
export function partnershipAgency(d: Directory): Agency {
  const board = d.agencies.find((a) => a.kind === 'partnership');
  if (!board) throw new Error('the directory has no partnership agency');
  return board;
}

/** The local authority's children's social care, where the directory has one. */
export function childrensSocialCareAgency(d: Directory): Agency | undefined {
  return d.agencies.find((a) => a.kind === 'childrens-social-care');
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
