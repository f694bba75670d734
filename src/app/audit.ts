/**
 * Tamper evidence: each stored event carries the hash of the one before it, so editing, removing
 * or reordering any recorded event breaks the chain from that point on.
 */
import { createHash } from 'node:crypto';
import type { CaseEvent } from '../domain/escalation/events.js';
import type { StoredEvent } from './store.js';

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

export function eventHash(prevHash: string | null, caseRef: string, seq: number, event: CaseEvent): string {
  return createHash('sha256').update(`${prevHash ?? ''}\n${canonicalJson({ caseRef, seq, event })}`).digest('hex');
}

export type ChainCheck = { ok: true; events: number } | { ok: false; seq: number; reason: string };

/** Re-computes a case's chain and names the first broken link. */
export function verifyChain(caseRef: string, stored: StoredEvent[]): ChainCheck {
  let prev: string | null = null;
  for (const [i, s] of stored.entries()) {
    if (s.seq !== i + 1) return { ok: false, seq: s.seq, reason: `event ${i + 1} is missing (found ${s.seq} in its place)` };
    if (s.prevHash !== prev) return { ok: false, seq: s.seq, reason: `event ${s.seq} does not follow event ${s.seq - 1}: its link to the previous hash is wrong` };
    if (eventHash(prev, caseRef, s.seq, s.event) !== s.hash) return { ok: false, seq: s.seq, reason: `event ${s.seq} (${s.event.type}) was changed after it was recorded` };
    prev = s.hash;
  }
  return { ok: true, events: stored.length };
}
