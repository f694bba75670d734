/**
 * The directory as a business unit keeps it: people listed by work email in a CSV file (and,
 * optionally, the agencies in a second one), as README "Your partnership's directory" describes.
 * Every problem is reported with its file and line; the result is checked as a whole by the
 * Directory schema, like a YAML directory.
 */
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { Directory, type Agency, type Partnership, type Person } from './directory.js';
import { AGENCY_KINDS, LANGUAGES, ROLES, type Language } from './policy/schema.js';

export const PEOPLE_COLUMNS = ['email', 'name', 'agency', 'roles', 'jobTitle', 'manager', 'deputy', 'available', 'id', 'language'] as const;
export const AGENCY_COLUMNS = ['id', 'name', 'kind', 'localArea', 'strategicLead', 'servedBy'] as const;
const REQUIRED_PEOPLE = ['email', 'name', 'agency', 'roles'];
const REQUIRED_AGENCIES = ['id', 'name', 'kind'];

export type CsvFile = { name: string; text: string };
export type CsvDirectoryResult = { ok: true; directory: Directory } | { ok: false; errors: string[] };

type Row = { line: number; cells: Record<string, string> };

const email = z.email();
const slugOk = (s: string) => /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(s);
/** A person's id when the file gives none: their email, as lower-case letters, digits and hyphens. */
const idOfEmail = (e: string) => e.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** The rows of a CSV file with a header line; errors name the file and line. */
function rowsOf(file: CsvFile, known: readonly string[], required: string[], errors: string[]): Row[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  let header: string[] = [];
  try {
    records = parse(file.text, { columns: (h: string[]) => (header = h), skip_empty_lines: true, trim: true, bom: true, info: true }) as typeof records;
  } catch (e) {
    errors.push(`${file.name}: ${e instanceof Error ? e.message : String(e)}`);
    return [];
  }
  const unknown = header.filter((h) => !known.includes(h));
  const missing = required.filter((h) => !header.includes(h));
  if (records.length === 0) errors.push(`${file.name}: no rows under the header line`);
  if (unknown.length) errors.push(`${file.name}, line 1: unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')} (known: ${known.join(', ')})`);
  if (missing.length) errors.push(`${file.name}, line 1: missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`);
  if (unknown.length || missing.length) return [];
  return records.map(({ record, info }) => ({ line: info.lines, cells: record }));
}

/**
 * Builds a directory from a people CSV (and an agencies CSV, or the agencies already in the
 * directory). People already in `current` keep their id and platform identities, matched by email,
 * so their cases and chats still find them.
 */
export function directoryFromCsv(input: { people: CsvFile; agencies?: CsvFile; partnership: Partnership; current: Directory }): CsvDirectoryResult {
  const errors: string[] = [];
  const { people: pf, agencies: af } = input;
  const personRows = rowsOf(pf, PEOPLE_COLUMNS, REQUIRED_PEOPLE, errors);
  const agencyRows = af ? rowsOf(af, AGENCY_COLUMNS, REQUIRED_AGENCIES, errors) : [];
  if (errors.length) return { ok: false, errors };

  const at = (file: CsvFile, r: Row) => `${file.name}, line ${r.line}`;
  // Emails first, so managers, deputies and leads can be checked against every row.
  const byEmail = new Map<string, { row: Row; id: string }>();
  const ids = new Map<string, number>();
  for (const r of personRows) {
    const e = r.cells.email!.toLowerCase();
    if (!email.safeParse(e).success) { errors.push(`${at(pf, r)}: "${r.cells.email}" is not an email address`); continue; }
    const first = byEmail.get(e);
    if (first) { errors.push(`${at(pf, r)}: ${e} is already listed on line ${first.row.line}`); continue; }
    const given = r.cells.id ?? '';
    if (given && !slugOk(given)) errors.push(`${at(pf, r)}: id "${given}" must be lower-case letters, digits and single hyphens`);
    const id = given || input.current.people.find((p) => p.email?.toLowerCase() === e)?.id || idOfEmail(e);
    const sameId = ids.get(id);
    if (sameId !== undefined) errors.push(`${at(pf, r)}: id "${id}" is already used on line ${sameId}`);
    ids.set(id, r.line);
    byEmail.set(e, { row: r, id });
  }
  const personRef = (file: CsvFile, r: Row, column: string): string | undefined => {
    const value = r.cells[column]?.toLowerCase();
    if (!value) return undefined;
    const found = byEmail.get(value);
    if (!found) errors.push(`${at(file, r)}: ${column} ${value} is not a person in ${pf.name}`);
    return found?.id;
  };

  let agencies: Agency[] = input.current.agencies;
  if (af) {
    agencies = [];
    const seen = new Map<string, number>();
    for (const r of agencyRows) {
      const { id, name, kind } = r.cells as { id: string; name: string; kind: string };
      if (!slugOk(id)) errors.push(`${at(af, r)}: agency id "${id}" must be lower-case letters, digits and single hyphens`);
      if (seen.has(id)) errors.push(`${at(af, r)}: agency "${id}" is already listed on line ${seen.get(id)}`);
      seen.set(id, r.line);
      if (!(AGENCY_KINDS as readonly string[]).includes(kind)) errors.push(`${at(af, r)}: kind "${kind}" is not one of ${AGENCY_KINDS.join(', ')}`);
      const lead = personRef(af, r, 'strategicLead');
      const area = r.cells.localArea;
      const servedBy = r.cells.servedBy;
      agencies.push({ id, name, kind: kind as Agency['kind'], ...(area ? { localAreaId: area } : {}), ...(lead ? { strategicSafeguardingLeadId: lead } : {}), ...(servedBy ? { servedBy } : {}) });
    }
  }
  const agencyIds = new Set(agencies.map((a) => a.id));

  const people: Person[] = [];
  const lineOfPerson: number[] = [];
  for (const [e, { row: r, id }] of byEmail) {
    const c = r.cells;
    if (!agencyIds.has(c.agency!)) errors.push(`${at(pf, r)}: agency "${c.agency}" is not one of ${[...agencyIds].join(', ')}`);
    const roles = c.roles!.split(';').map((s) => s.trim()).filter(Boolean);
    const badRoles = roles.filter((x) => !(x in ROLES));
    if (roles.length === 0) errors.push(`${at(pf, r)}: no roles (separate several with ";")`);
    if (badRoles.length) errors.push(`${at(pf, r)}: unknown role${badRoles.length > 1 ? 's' : ''} ${badRoles.map((x) => `"${x}"`).join(', ')} (known: ${Object.keys(ROLES).join(', ')})`);
    const available = (c.available ?? '').toLowerCase();
    if (!['', 'yes', 'no', 'true', 'false'].includes(available)) errors.push(`${at(pf, r)}: available must be yes or no (empty means yes), not "${c.available}"`);
    const language = (c.language ?? '').toLowerCase();
    if (!['', ...LANGUAGES].includes(language)) errors.push(`${at(pf, r)}: language must be ${LANGUAGES.join(' or ')} (empty means en), not "${c.language}"`);
    const manager = personRef(pf, r, 'manager');
    const deputy = personRef(pf, r, 'deputy');
    // Who they were before: by the id the file gives, else by email (never by a derived id alone).
    const before = input.current.people.find((p) => (c.id ? p.id === c.id : p.email?.toLowerCase() === e));
    people.push({
      id, name: c.name!, agencyId: c.agency!, roles: roles as Person['roles'], email: e,
      ...(c.jobTitle ? { jobTitle: c.jobTitle } : {}),
      ...(manager ? { lineManagerId: manager } : {}),
      ...(deputy ? { deputyId: deputy } : {}),
      available: available !== 'no' && available !== 'false',
      ...(language ? { language: language as Language } : {}),
      identities: before?.identities ?? {},
    });
    lineOfPerson.push(r.line);
  }
  if (errors.length) return { ok: false, errors };

  // The rules that span rows (one Board, deputies within the agency...), with each row's line.
  const checked = Directory.safeParse({ partnership: input.partnership, agencies, people });
  if (checked.success) return { ok: true, directory: checked.data };
  return {
    ok: false,
    errors: checked.error.issues.map((i) => {
      const [list, index, ...rest] = i.path;
      const where =
        list === 'people' && typeof index === 'number' ? `${pf.name}, line ${lineOfPerson[index]}` : list === 'agencies' && typeof index === 'number' && af ? `${af.name}, line ${agencyRows[index]?.line}` : af?.name ?? pf.name;
      return `${where}: ${rest.length ? `${rest.join('.')}: ` : ''}${i.message}`;
    }),
  };
}
