/** The demo directory written as a business unit would keep it: people.csv and agencies.csv. */
import { readFileSync } from 'node:fs';
import { parseDirectory, type Directory } from '../../src/domain/directory.js';

export function demoDirectory(): Directory {
  const r = parseDirectory('demo/directory.yaml', readFileSync('demo/directory.yaml', 'utf8'));
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.directory;
}

/** The demo's people, each with a made-up work email <id>@demo.example and their demo id kept. */
export const emailOf = (id: string) => `${id}@demo.example`;

export function demoPeopleCsv(extra: string[] = []): string {
  const d = demoDirectory();
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const rows = d.people.map((p) =>
    [emailOf(p.id), p.name, p.agencyId, p.roles.join(';'), p.jobTitle ?? '', p.lineManagerId ? emailOf(p.lineManagerId) : '', p.deputyId ? emailOf(p.deputyId) : '', p.available ? '' : 'no', p.id].map(quote).join(','),
  );
  return ['email,name,agency,roles,jobTitle,manager,deputy,available,id', ...rows, ...extra].join('\n') + '\n';
}

export function demoAgenciesCsv(): string {
  const d = demoDirectory();
  return ['id,name,kind,localArea,strategicLead', ...d.agencies.map((a) => [a.id, `"${a.name}"`, a.kind, a.localAreaId ?? '', a.strategicSafeguardingLeadId ? emailOf(a.strategicSafeguardingLeadId) : ''].join(','))].join('\n') + '\n';
}
