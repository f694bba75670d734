/**
 * Tamper evidence, in two chains.
 *
 * - Each case's events: every stored event carries the hash of the one before it and of itself,
 *   so editing, removing or reordering an event breaks the chain from that point on.
 * - The anchors: every append also records an anchor, {its place in one partnership-wide chain,
 *   the case, how many events the case then had, the case's last hash, the previous anchor's
 *   MAC, its own MAC}. An event deleted from the end of a case, a truncated case or a deleted
 *   case no longer matches the anchors; deleting anchors too leaves a gap in their chain.
 *
 * With `AUDIT_KEY` both chains are keyed (HMAC-SHA256), so someone who can write to the database
 * but has not the key cannot re-compute them after a rewrite. Records made before the key (plain
 * SHA-256) say so in their `scheme` and still verify as what they are; nothing is re-hashed. The
 * one thing no chain inside the database can show is the newest anchors vanishing together with
 * their events: the head printed by `audit verify`, noted outside, closes that (`--head`).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { CaseEvent } from '../domain/escalation/events.js';
import type { AuditScheme, Store, StoredAnchor, StoredEvent } from './store.js';

/** JSON with object keys sorted, so the hash does not depend on how a database orders keys. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const eventText = (prevHash: string | null, caseRef: string, seq: number, event: CaseEvent) => `${prevHash ?? ''}\n${canonicalJson({ caseRef, seq, event })}`;

/** The unkeyed hash of an event: what every event recorded before AUDIT_KEY carries. */
export function eventHash(prevHash: string | null, caseRef: string, seq: number, event: CaseEvent): string {
  return createHash('sha256').update(eventText(prevHash, caseRef, seq, event)).digest('hex');
}

/** What an anchor's MAC covers: everything in it but the MAC and the scheme that made it. */
export type AnchorFields = Omit<StoredAnchor, 'mac' | 'scheme'>;
// "anchor\n" first, so an anchor's MAC can never be taken for an event's hash or the reverse.
const anchorText = (a: AnchorFields) => `anchor\n${canonicalJson({ seq: a.seq, caseRef: a.caseRef, events: a.events, caseHash: a.caseHash, prevMac: a.prevMac, keyId: a.keyId })}`;

/** How this process hashes what it records: keyed when it has AUDIT_KEY, plain SHA-256 otherwise. */
export type AuditHasher = {
  readonly scheme: AuditScheme;
  /** A short fingerprint of the key (never the key), recorded in each anchor; null unkeyed. */
  readonly keyId: string | null;
  eventHash(prevHash: string | null, caseRef: string, seq: number, event: CaseEvent): string;
  anchorMac(fields: AnchorFields): string;
};

export function auditHasher(key: string | null = null): AuditHasher {
  if (!key) {
    return { scheme: 'sha256', keyId: null, eventHash, anchorMac: (a) => createHash('sha256').update(anchorText(a)).digest('hex') };
  }
  const mac = (text: string) => createHmac('sha256', key).update(text).digest('hex');
  return {
    scheme: 'hmac-sha256',
    keyId: mac('resolve audit key id').slice(0, 16),
    eventHash: (prev, caseRef, seq, event) => mac(eventText(prev, caseRef, seq, event)),
    anchorMac: (a) => mac(anchorText(a)),
  };
}

export type ChainCheck = { ok: true; events: number } | { ok: false; seq: number; reason: string };

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Re-computes a case's chain and names the first broken link. Each event is checked by the
 * scheme it was recorded with; a plain event after a keyed one is a break, since it is what
 * someone without the key would leave after rewriting the case.
 */
export function verifyChain(caseRef: string, stored: StoredEvent[], hasher: AuditHasher = auditHasher()): ChainCheck {
  let prev: string | null = null;
  let keyed = false;
  for (const [i, s] of stored.entries()) {
    if (s.seq !== i + 1) return { ok: false, seq: i + 1, reason: `event ${i + 1} is missing (found ${s.seq} in its place)` };
    if (s.prevHash !== prev) return { ok: false, seq: s.seq, reason: `event ${s.seq} does not follow event ${s.seq - 1}: its link to the previous hash is wrong` };
    if (s.scheme === 'hmac-sha256') {
      if (hasher.scheme !== 'hmac-sha256') return { ok: false, seq: s.seq, reason: `event ${s.seq} is keyed: set AUDIT_KEY to verify it` };
      keyed = true;
    } else if (s.scheme !== 'sha256') {
      return { ok: false, seq: s.seq, reason: `event ${s.seq} names an unknown hashing scheme "${String(s.scheme)}"` };
    } else if (keyed) {
      return { ok: false, seq: s.seq, reason: `event ${s.seq} is hashed without the key after keyed events: it was rewritten or added by someone without AUDIT_KEY` };
    }
    const expected = s.scheme === 'hmac-sha256' ? hasher.eventHash(prev, caseRef, s.seq, s.event) : eventHash(prev, caseRef, s.seq, s.event);
    if (!same(expected, s.hash)) return { ok: false, seq: s.seq, reason: `event ${s.seq} (${s.event.type}) was changed after it was recorded` };
    prev = s.hash;
  }
  return { ok: true, events: stored.length };
}

/** The newest anchor, as `<seq>:<mac>`: what to note outside the database. */
export const headText = (a: Pick<StoredAnchor, 'seq' | 'mac'>) => `${a.seq}:${a.mac}`;

export type AnchorChainCheck = {
  /** Problems with the chain itself, in order (empty when it is whole). */
  breaks: string[];
  /** The records are keyed with another key, or this process has none: nothing keyed can be checked. */
  keyProblem: string | null;
  /** Every anchor of each case, in order. */
  cases: Map<string, StoredAnchor[]>;
  head: StoredAnchor | null;
};

/**
 * Why this process can neither check nor extend a chain holding `anchor` (null when it can):
 * the anchor is keyed and AUDIT_KEY is unset or another key.
 */
export function keyMismatch(anchor: Pick<StoredAnchor, 'scheme' | 'keyId'>, hasher: AuditHasher): string | null {
  if (anchor.scheme !== 'hmac-sha256') return null;
  if (hasher.scheme !== 'hmac-sha256') return `the audit records are keyed (key ${String(anchor.keyId)}): set AUDIT_KEY to the key they were made with`;
  if (anchor.keyId !== hasher.keyId) return `the audit records are keyed with key ${String(anchor.keyId)}, but AUDIT_KEY is key ${hasher.keyId}: set the key they were made with`;
  return null;
}

/** Walks the anchor chain: numbering, links, MACs, key, and a head noted earlier (`seq:mac`). */
export function verifyAnchors(anchors: StoredAnchor[], hasher: AuditHasher, notedHead?: string): AnchorChainCheck {
  const breaks: string[] = [];
  const cases = new Map<string, StoredAnchor[]>();
  let keyProblem: string | null = null;
  let prev: StoredAnchor | null = null;
  let keyed = false;
  for (const a of anchors) {
    const expectedSeq = (prev?.seq ?? 0) + 1;
    if (a.seq !== expectedSeq) {
      breaks.push(a.seq - 1 === expectedSeq ? `anchor ${expectedSeq} is missing` : `anchors ${expectedSeq} to ${a.seq - 1} are missing`);
    } else if (a.prevMac !== (prev?.mac ?? null)) {
      breaks.push(`anchor ${a.seq} does not follow anchor ${a.seq - 1}: its link to the previous MAC is wrong`);
    }
    keyProblem ??= keyMismatch(a, hasher);
    const problem = keyProblem ? null : anchorProblem(a, hasher, keyed);
    if (problem) breaks.push(problem);
    if (a.scheme === 'hmac-sha256') keyed = true;
    cases.set(a.caseRef, [...(cases.get(a.caseRef) ?? []), a]);
    prev = a;
  }
  if (notedHead !== undefined) {
    const [seqText, mac] = notedHead.split(':');
    const noted = anchors.find((a) => a.seq === Number(seqText));
    if (!noted) breaks.push(`the head noted earlier (anchor ${seqText}) is missing: the chain ends at anchor ${prev?.seq ?? 0}, so the newest records were removed`);
    else if (noted.mac !== mac) breaks.push(`anchor ${noted.seq} is not the one noted earlier: its MAC differs`);
  }
  return { breaks, keyProblem, cases, head: prev };
}

function anchorProblem(a: StoredAnchor, hasher: AuditHasher, afterKeyed: boolean): string | null {
  if (a.scheme === 'sha256') {
    if (afterKeyed) return `anchor ${a.seq} is made without the key after keyed anchors: it was written by someone without AUDIT_KEY`;
    return same(auditHasher().anchorMac(a), a.mac) ? null : `anchor ${a.seq} (${a.caseRef}) was changed after it was recorded`;
  }
  if (a.scheme !== 'hmac-sha256') return `anchor ${a.seq} names an unknown hashing scheme "${String(a.scheme)}"`;
  return same(hasher.anchorMac(a), a.mac) ? null : `anchor ${a.seq} (${a.caseRef}) was changed after it was recorded`;
}

/** `sealable`: the only matter is events newer than any anchor, which "audit seal" may anchor. */
export type CaseAnchorCheck = { ok: true } | { ok: false; reason: string; sealable: boolean };

/** A case's events against its anchors: none missing from the end, none the anchors do not know. */
export function checkCaseAnchors(events: StoredEvent[], anchors: StoredAnchor[] = []): CaseAnchorCheck {
  const most = Math.max(0, ...anchors.map((a) => a.events));
  if (events.length < most) {
    if (events.length === 0) return { ok: false, sealable: false, reason: `the case is missing: its anchors record ${most} events, none found` };
    const missing = most - events.length === 1 ? `event ${most} is missing` : `events ${events.length + 1} to ${most} are missing`;
    return { ok: false, sealable: false, reason: `${missing}: its anchors record ${most} events, ${events.length} found` };
  }
  for (const a of anchors) {
    if (events[a.events - 1]?.hash !== a.caseHash) return { ok: false, sealable: false, reason: `event ${a.events} is not the one anchor ${a.seq} recorded: the case was rewritten` };
  }
  if (anchors.length === 0) {
    // Keyed events came with anchors: sealing them now could vouch for a case cut short.
    if (events.some((e) => e.scheme === 'hmac-sha256')) return { ok: false, sealable: false, reason: 'not anchored, though its events were recorded with the key: its anchors were deleted (or its only append stopped before its anchor)' };
    return { ok: false, sealable: true, reason: 'not anchored: recorded before anchors existed (run "audit seal" once after upgrading), or added outside Resolve' };
  }
  if (events.length > most) return { ok: false, sealable: true, reason: `events ${most + 1} to ${events.length} are not anchored: an append stopped before its anchor, or they were added outside Resolve` };
  return { ok: true };
}

export type CaseVerdict = { ref: string; ok: true; events: number } | { ref: string; ok: false; reason: string; sealable: boolean };
export type AuditReport = { cases: CaseVerdict[]; chain: AnchorChainCheck };

/**
 * Verifies every case the store holds or the anchors know of (or only `ref`), and the anchor
 * chain. A case anchored but gone is named; a case with no anchor is named too.
 */
export async function verifyAudit(store: Store, hasher: AuditHasher, options: { ref?: string | undefined; notedHead?: string | undefined } = {}): Promise<AuditReport> {
  const chain = verifyAnchors(await store.anchors(), hasher, options.notedHead);
  // Under another key every keyed record would look changed; say the one true thing instead.
  if (chain.keyProblem) return { cases: [], chain };
  const refs = options.ref ? [options.ref] : [...new Set([...(await store.caseRefs()), ...chain.cases.keys()])].sort();
  const cases: CaseVerdict[] = [];
  for (const ref of refs) {
    const events = await store.load(ref);
    const anchors = chain.cases.get(ref);
    if (events.length === 0 && !anchors) {
      cases.push({ ref, ok: false, reason: 'no such case', sealable: false });
      continue;
    }
    const links = verifyChain(ref, events, hasher);
    if (!links.ok) {
      cases.push({ ref, ok: false, reason: `BROKEN at event ${links.seq}: ${links.reason}`, sealable: false });
      continue;
    }
    const anchored = checkCaseAnchors(events, anchors);
    cases.push(anchored.ok ? { ref, ok: true, events: events.length } : { ref, ok: false, sealable: anchored.sealable, reason: `${anchored.sealable ? '' : 'BROKEN: '}${anchored.reason}` });
  }
  return { cases, chain };
}
