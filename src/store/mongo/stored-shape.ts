/**
 * What goes into MongoDB must come back exactly as it went in, or a recorded event would no
 * longer match its hash and `audit verify` would report tampering that never happened. BSON
 * changes two things silently: a string with an unpaired surrogate (its UTF-8 has no place for
 * it, so it comes back as U+FFFD) and an object with `$ref` and `$id` (it comes back as a DBRef).
 * So every value is put through BSON before it is written, and refused if it comes back changed.
 *
 * User text never becomes a field name: reflection answers, held in memory by question heading
 * (which may contain dots or start with `$`), are kept as a list of { question, answer } pairs.
 * Events recorded before then hold them by heading and load as they are.
 */
import { BSON } from 'mongodb';
import { canonicalJson } from '../../app/audit.js';
import type { CaseEvent } from '../../domain/escalation/events.js';

/** Something the store will not record because MongoDB would not give it back unchanged. */
export class UnstorableError extends Error {}

/** Throws UnstorableError when `value` would come back from BSON changed; `what` names it for the message. */
export function assertStorable(value: unknown, what: string): void {
  const back: unknown = BSON.deserialize(BSON.serialize({ value })).value;
  if (canonicalJson(back) !== canonicalJson(value)) {
    throw new UnstorableError(
      `${what} was not recorded: it holds text MongoDB cannot keep exactly (an unpaired surrogate character) or an object MongoDB reads back as a reference ($ref with $id).`,
    );
  }
}

type Pair = { question: string; answer: string };
type StoredReflections = Record<string, string> | Pair[];

const withReflections = (event: CaseEvent, reflections: StoredReflections): CaseEvent =>
  ({ ...event, data: { ...event.data, intake: { ...(event.data as { intake: object }).intake, reflections } } }) as CaseEvent;

/** The event as it is kept: reflection answers as pairs. */
export function toStoredEvent(event: CaseEvent): CaseEvent {
  if (event.type !== 'case-opened') return event;
  const pairs: Pair[] = Object.entries(event.data.intake.reflections).map(([question, answer]) => ({ question, answer }));
  return withReflections(event, pairs);
}

/** The event as the app knows it: reflection answers by heading again (kept as they are in events from before pairs). */
export function fromStoredEvent(event: CaseEvent): CaseEvent {
  if (event.type !== 'case-opened') return event;
  const kept = event.data.intake.reflections as StoredReflections;
  if (!Array.isArray(kept)) return event;
  return withReflections(event, Object.fromEntries(kept.map((p) => [p.question, p.answer])));
}
