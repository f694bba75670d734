/** A policy as readable text, every rule followed by where it comes from. */
import { ROLES, type Party, type Policy, type SourceRef, type Timescale } from '../domain/policy/schema.js';

export function describePolicy(p: Policy): string {
  const lines: string[] = [];
  const src = (s: SourceRef) => (typeof s === 'string' ? `[${p.document}: "${s}"]` : `[${s.file}: "${s.quote}"]`);
  // The source (and any assumption) goes on its own lines under the rule, indented past its label.
  const rule = (label: string, text: string, source: SourceRef, assumption?: string) => {
    const under = ' '.repeat(label.length + 2);
    lines.push(`${label}${text}`, `${under}${src(source)}`);
    if (assumption) lines.push(`${under}assumption: ${assumption}`);
  };
  lines.push(`${p.name} (${p.id}, version ${p.version})`, `Partnership: ${p.partnership}`, `Source: ${p.document}; bank holidays: ${p.region}`, '');
  lines.push('Urgent route (asked first):');
  rule('  ', `${p.urgentRoute.question} -> ${p.urgentRoute.guidance}${p.urgentRoute.opensCase ? ` (opens an urgent case; may start at Stage ${p.urgentRoute.maxStartStage})` : ''}`, p.urgentRoute.source, p.urgentRoute.assumption);
  lines.push('', 'Areas of disagreement:');
  for (const a of p.areasOfDisagreement) rule('  - ', a.label, a.source, a.assumption);
  if (p.preEscalationChecks.length) {
    lines.push('', 'Before escalating:');
    for (const c of p.preEscalationChecks) rule('  - ', c.question, c.source, c.assumption);
  }
  if (p.informalAttempt) {
    lines.push('', 'Informal attempt:');
    rule('  ', p.informalAttempt.description, p.informalAttempt.source, p.informalAttempt.assumption);
  }
  for (const s of p.stages) {
    lines.push('', `Stage ${s.number}: ${s.name}${s.formality ? ` (${s.formality})` : ''}`);
    rule('  ', s.summary, s.source, s.assumption);
    rule('  raised by: ', party(s.raisedBy), s.raisedBy.source, s.raisedBy.assumption);
    rule('  received by: ', party(s.receivedBy), s.receivedBy.source, s.receivedBy.assumption);
    rule('  response: ', timescale(s.response), s.response.source, s.response.assumption);
    if (s.acknowledgement) rule('  acknowledgement: ', timescale(s.acknowledgement), s.acknowledgement.source, s.acknowledgement.assumption);
    for (const i of s.inform) rule('  inform: ', `${ROLES[i.role]} (${i.why})`, i.source, i.assumption);
    for (const f of s.forms) rule('  form: ', f.name, f.source, f.assumption);
    for (const o of s.outcomes) rule('  outcome: ', `${o.label}${o.binding ? ' (binding)' : ''}${o.panel ? ` (panel of at least ${o.panel.minAgencies} agencies${o.panel.mustIncludeDisputingAgencies ? ', including those in dispute' : ''})` : ''}`, o.source, o.assumption);
    for (const g of s.guidance) rule('  guidance: ', g.text, g.source, g.assumption);
    for (const g of s.onAgreement) rule('  on agreement: ', g.text, g.source, g.assumption);
    for (const q of s.reflectiveQuestions) rule('  reflect: ', `${q.heading} ${q.questions.join(' ')}`, q.source, q.assumption);
  }
  for (const [title, items] of [['Recording', p.recording], ['After resolution', p.afterResolution]] as const) {
    if (!items.length) continue;
    lines.push('', `${title}:`);
    for (const g of items) rule('  - ', g.text, g.source, g.assumption);
  }
  return lines.join('\n');
}

function party(x: Party): string {
  const roles = x.roles.map((r) => ROLES[r]).join(' or ');
  const fallback = x.fallbackRoles.length ? `; if none, ${x.fallbackRoles.map((r) => ROLES[r]).join(' or ')}` : '';
  return `${roles} (${x.scope.replace(/-/g, ' ')})${fallback}`;
}

export function timescale(t: Timescale): string {
  if (t.kind === 'working-days') return `${t.days} working day${t.days === 1 ? '' : 's'}`;
  if (t.kind === 'hours') return `${t.hours} hours`;
  return `no fixed timescale (${t.note})`;
}
