/**
 * A policy as a list of rules, each with what it is encoded as, the sentence of the document it
 * comes from, and any assumption the pack makes. `policies show`, `policies trace` and the
 * generated docs/procedures pages are all written from this one list.
 */
import { ROLES, panelSize, type AgencyKind, type Outcome, type Party, type Policy, type SourceRef, type Timescale, type Via } from './schema.js';

export type Rule = {
  /** Where in the procedure: "Urgent route", "Stage 3: Board members"... */
  section: string;
  /** What kind of rule: "raised by", "response", "outcome"... */
  what: string;
  /** What the pack encodes, in words. */
  encoded: string;
  /** The file and the quoted sentence. */
  file: string;
  quote: string;
  assumption?: string;
};

export function policyRules(p: Policy): Rule[] {
  const rules: Rule[] = [];
  const add = (section: string, what: string, encoded: string, x: { source: SourceRef; assumption?: string | undefined }) => {
    const { file, quote } = typeof x.source === 'string' ? { file: p.document, quote: x.source } : x.source;
    rules.push({ section, what, encoded, file, quote, ...(x.assumption ? { assumption: x.assumption } : {}) });
  };
  if (p.covers) add('Scope', 'covers', p.covers.adults ? 'children and adults at risk' : 'children', p.covers);
  const u = p.urgentRoute;
  add(
    'Urgent route (asked first)',
    'urgent route',
    `${u.question} -> ${u.guidance} Contacts: ${u.contacts.map((c) => c.replace(/-/g, ' ')).join(', ')}.${u.opensCase ? ` Opens an urgent case, which may start at Stage ${u.maxStartStage}.` : ' No case is opened.'}${u.responseTimescale ? ` Every stage of an urgent case: ${timescale(u.responseTimescale)}.` : ''}`,
    u,
  );
  for (const h of p.localHolidays) add('Working days', 'local holiday', `${h.date}, ${h.name}: not a working day`, h);
  for (const a of p.areasOfDisagreement) add('Areas of disagreement', 'area', a.label, a);
  for (const c of p.preEscalationChecks) add('Before escalating', 'check', c.question, c);
  if (p.raisedOnBehalf) add('Before escalating', 'raised on behalf', `${p.raisedOnBehalf.roles.map((r) => ROLES[r]).join(' or ')} may record the concern for a practitioner of their agency`, p.raisedOnBehalf);
  for (const r of p.offRamps) add('Not this procedure', 'off-ramp', `${r.question} -> ${r.guidance}`, r);
  if (p.informalAttempt) add('Informal attempt', 'informal attempt', p.informalAttempt.description, p.informalAttempt);
  if (p.informalAttempt?.response) add('Informal attempt', 'response', timescale(p.informalAttempt.response), p.informalAttempt.response);
  for (const q of p.reflectiveQuestions) add('Reflective questions', 'reflect', `${q.heading} ${q.questions.join(' ')}`, q);
  for (const a of p.advisers) add('At any stage', 'adviser', `${ROLES[a.role]} (${a.scope.replace(/-/g, ' ')}): ${a.why}`, a);
  for (const s of p.stages) {
    // Croydon's stage names already say "(informal)" or "(formal)"; the word is not added twice.
    const formality = s.formality && !s.name.toLowerCase().includes(s.formality) ? ` (${s.formality})` : '';
    const section = `Stage ${s.number}: ${s.name}${formality}`;
    add(section, 'stage', s.summary, s);
    add(section, 'raised by', party(s.raisedBy), s.raisedBy);
    if (s.raisedBy.via) add(section, 'raised via', party(s.raisedBy.via), s.raisedBy.via);
    add(section, 'received by', party(s.receivedBy), s.receivedBy);
    add(section, 'response', timescale(s.response), s.response);
    if (s.response.kind !== 'none' && s.response.orSooner) add(section, 'or sooner', 'an earlier response date may be set when the stage opens, never a later one', s.response.orSooner);
    if (s.acknowledgement) add(section, 'acknowledgement', timescale(s.acknowledgement), s.acknowledgement);
    for (const i of s.inform) add(section, 'inform', `${ROLES[i.role]} (${i.why})`, i);
    for (const f of s.forms) add(section, 'form', `${f.name}, issued at this stage`, f);
    for (const o of s.outcomes) {
      const panel = o.panel ? `; a panel of ${panelSize(o.panel)} agencies${o.panel.mustIncludeDisputingAgencies ? ', including those in dispute' : ''}` : '';
      // The label is the document's words; "binding" is added only where the label does not say so.
      const binding = o.binding && !/binding/i.test(o.label) ? ' (binding)' : '';
      const branch = route(p, s.number, o);
      add(section, branch ? 'route' : 'outcome', `${o.label}${binding}${panel}${branch}${o.ends ? ' (ends the procedure)' : ''}`, o);
    }
    for (const g of s.guidance) add(section, 'guidance', g.text, g);
    for (const g of s.onAgreement) add(section, 'on agreement', g.text, g);
    for (const q of s.reflectiveQuestions) add(section, 'reflect', `${q.heading} ${q.questions.join(' ')}`, q);
  }
  for (const g of p.recording) add('Recording', 'recording', g.text, g);
  for (const g of p.afterResolution) add('After resolution', 'after resolution', g.text, g);
  return rules;
}

/** Where a route other than on to the next stage leads, and when: "-> Stage 5, when the area of disagreement is Resources". */
function route(p: Policy, from: number, o: Outcome): string {
  if (o.type !== 'next-stage' || (o.toStage === undefined && !o.areas && !o.condition)) return '';
  const areas = o.areas?.map((id) => p.areasOfDisagreement.find((a) => a.id === id)?.label ?? id);
  const when = areas ? `, when the area of disagreement is ${areas.join(' or ')}` : o.condition ? `, offered if: ${o.condition}` : '';
  return ` -> Stage ${o.toStage ?? from + 1}${when}`;
}

export function party(x: Party | Via): string {
  const roles = x.roles.map((r) => ROLES[r]).join(' or ');
  const kinds = Object.entries(x.rolesByAgencyKind) as [AgencyKind, Party['roles']][];
  const byKind = kinds.length ? `; in ${kinds.map(([k, rs]) => `${k.replace(/-/g, ' ')}: ${rs.map((r) => ROLES[r]).join(' or ')}`).join('; in ')}` : '';
  const fallback = x.fallbackRoles.length ? `; if none, ${x.fallbackRoles.map((r) => ROLES[r]).join(' or ')}` : '';
  return `${roles} (${x.scope.replace(/-/g, ' ')})${byKind}${fallback}`;
}

export function timescale(t: Timescale): string {
  if (t.kind === 'none') return `no fixed timescale (${t.note})`;
  const span = t.kind === 'hours' ? `${t.hours} hours` : `${t.days} ${t.kind === 'working-days' ? 'working' : 'calendar'} day${t.days === 1 ? '' : 's'}`;
  const from = t.countsFrom === 'stage-opened' ? '' : t.countsFrom === 'case-opened' ? ', counted from the opening of the case' : `, counted from the opening of Stage ${t.countsFrom.stage}`;
  return `${span}${from}`;
}
