/**
 * Older policy files keep loading: each format change has a step here that rewrites a file of the
 * previous format into the next, meaning for meaning. Loading runs the steps in memory; the
 * `policies migrate` command writes the result back (keeping the file's comments).
 *
 * Format 1 (files with no `formatVersion`): a stage's `forms` applied "from this stage on".
 * Format 2: a stage's `forms` are issued at that stage only, so a form the document ties to
 * Stages 3 and 5 is not issued at 4. Migrating copies each form to every later stage, which keeps
 * what a format-1 file meant; correcting a procedure is then a change to its rules (bump `version`).
 * Format 3: adds what format 2 could not say (routes chosen by area or offered on a condition,
 * endings that are not binding, off-ramps, raising on a practitioner's behalf, Welsh beside
 * English). None of it changes what a format-2 file says, so migrating only sets the version.
 */
import { Document, isMap, isNode, isSeq } from 'yaml';
import { FORMAT_VERSION, Policy } from './schema.js';

/** The format of the file as written, or undefined when it is not a policy-shaped mapping. */
export function formatOf(doc: Document): number | undefined {
  if (!isMap(doc.contents)) return undefined;
  const v: unknown = doc.get('formatVersion');
  return v === undefined ? 1 : typeof v === 'number' ? v : undefined;
}

/** Rewrites the document to the current format; returns the format it was in (unchanged when current or unknown). */
export function migratePolicyDocument(doc: Document): number | undefined {
  const from = formatOf(doc);
  if (from === 1) fromFormat1(doc);
  if (from === 1 || from === 2) doc.set('formatVersion', 3);
  return from;
}

/**
 * A policy pinned on a case recorded under an older format, read in the current one with the same
 * meaning (its forms still issued from their stage on), so the case keeps the procedure it opened
 * with. A pinned policy that cannot be read so is left as recorded.
 */
export function pinnedPolicy(recorded: Policy): Policy {
  if ((recorded as { formatVersion?: unknown }).formatVersion === FORMAT_VERSION) return recorded;
  const doc = new Document(recorded);
  migratePolicyDocument(doc);
  const read = Policy.safeParse(doc.toJS());
  return read.success ? read.data : recorded;
}

function fromFormat1(doc: Document): void {
  const stages = doc.get('stages');
  if (isSeq(stages)) {
    const carried: unknown[] = [];
    stages.items.forEach((stage) => {
      if (!isMap(stage)) return;
      const own = stage.get('forms');
      const ownForms: unknown[] = isSeq(own) ? own.items.map((f) => (isNode(f) ? f.toJS(doc) : f)) : [];
      const ownIds = new Set(ownForms.map(formId));
      const inherited = carried.filter((f) => !ownIds.has(formId(f)));
      if (inherited.length) {
        if (isSeq(own)) for (const f of inherited) own.add(doc.createNode(f));
        else stage.set('forms', doc.createNode(inherited));
      }
      for (const f of ownForms) if (!carried.some((c) => formId(c) === formId(f))) carried.push(f);
    });
  }
  if (isMap(doc.contents)) doc.contents.items.unshift(doc.createPair('formatVersion', 2));
}

const formId = (f: unknown) => (f && typeof f === 'object' && 'id' in f ? String((f as { id: unknown }).id) : JSON.stringify(f));
