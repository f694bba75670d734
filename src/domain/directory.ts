/**
 * The directory: the partnership's agencies and people, their roles, who covers for whom, and
 * how to reach them on Teams and Slack. Loaded from a file (YAML or JSON) and checked as a whole,
 * so a reference to a person or agency that does not exist is caught before anyone relies on it.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatIssues } from './policy/parse.js';
import { Role } from './policy/schema.js';

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case letters, digits and single hyphens');
const text = z.string().trim().min(1, 'must not be empty');

export const AgencyKind = z.enum(['childrens-social-care', 'police', 'health', 'education', 'probation', 'voluntary', 'partnership', 'other']);

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
    email: z.string().email().optional(),
    lineManagerId: slug.optional(),
    /** Who covers while this person is unavailable. */
    deputyId: slug.optional(),
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
    partnership: z.object({ id: slug, name: text, policyId: slug }).strict(),
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
    const teams = new Map<string, string>();
    const slack = new Map<string, string>();
    d.people.forEach((p, i) => {
      if (!agencies.has(p.agencyId)) ctx.addIssue({ code: 'custom', path: ['people', i, 'agencyId'], message: `no agency with id "${p.agencyId}"` });
      for (const field of ['lineManagerId', 'deputyId'] as const) {
        const ref = p[field];
        if (ref && !people.has(ref)) ctx.addIssue({ code: 'custom', path: ['people', i, field], message: `no person with id "${ref}"` });
        if (ref === p.id) ctx.addIssue({ code: 'custom', path: ['people', i, field], message: 'a person cannot be their own line manager or deputy' });
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

export function parseDirectory(fileName: string, content: string): DirectoryResult {
  let data: unknown;
  try {
    data = fileName.endsWith('.json') ? JSON.parse(content) : parseYaml(content);
  } catch (e) {
    return { ok: false, errors: [`${fileName}: not valid ${fileName.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`] };
  }
  const result = Directory.safeParse(data);
  return result.success ? { ok: true, directory: result.data } : { ok: false, errors: formatIssues(fileName, result.error.issues) };
}

export const personById = (d: Directory, id: string) => d.people.find((p) => p.id === id);
export const agencyById = (d: Directory, id: string) => d.agencies.find((a) => a.id === id);
export const partnershipAgency = (d: Directory) => d.agencies.find((a) => a.kind === 'partnership')!;
export const findPersonByTeamsId = (d: Directory, aadObjectId: string) => d.people.find((p) => p.identities.teams?.aadObjectId === aadObjectId);
export const findPersonBySlackId = (d: Directory, teamId: string, userId: string) =>
  d.people.find((p) => p.identities.slack?.teamId === teamId && p.identities.slack.userId === userId);
