/** A policy as readable text: `policies show` (every rule under its section) and `policies trace` (rule by rule against the document). */
import { policyRules, type Rule } from '../domain/policy/rules.js';
import type { Policy } from '../domain/policy/schema.js';

const heading = (p: Policy) => [`${p.name} (${p.id}, version ${p.version}, format ${p.formatVersion})`, `Partnership: ${p.partnership}`, `Source: ${p.documentTitle ?? p.document} (${p.document}); bank holidays: ${p.region}`];

/** Every rule under its section, followed by where it comes from. */
export function describePolicy(p: Policy): string {
  const lines = heading(p);
  let section = '';
  for (const r of policyRules(p)) {
    if (r.section !== section) lines.push('', `${r.section}:`);
    section = r.section;
    const label = `  ${r.what}: `;
    const under = ' '.repeat(label.length);
    lines.push(`${label}${r.encoded}`, `${under}[${r.file}: "${r.quote}"]`);
    if (r.assumption) lines.push(`${under}assumption: ${r.assumption}`);
  }
  return lines.join('\n');
}

/**
 * Rule by rule, the document's sentence first, then what it is encoded as and any assumption:
 * for reading a policy against its document. Markdown, so it is also the docs/procedures page.
 */
export function tracePolicy(p: Policy, options: { generatedNote?: string } = {}): string {
  const lines = [`# ${p.name}: traced to its document`, '', ...heading(p).map((l) => `${l}  `), ''];
  if (options.generatedNote) lines.push(options.generatedNote, '');
  let section = '';
  let last: Rule | undefined;
  const quote = (r: Rule) => (r.file === p.document ? `> ${r.quote}` : `> ${r.quote}\n>\n> (${r.file})`);
  for (const r of policyRules(p)) {
    if (r.section !== section) lines.push(`## ${r.section}`, '');
    // Rules that encode one sentence are listed under it once.
    if (r.section !== section || r.quote !== last?.quote || r.file !== last.file) lines.push(quote(r), '');
    else lines.pop();
    section = r.section;
    last = r;
    lines.push(`- **${r.what}**: ${r.encoded}`);
    if (r.assumption) lines.push(`- **assumption**: ${r.assumption}`);
    lines.push('');
  }
  return lines.join('\n');
}
