/**
 * The store port: everything the app keeps. Adapters (PostgreSQL and embedded PGlite in
 * src/store/postgres, MongoDB in src/store/mongo) all pass one contract test suite.
 *
 * - Case events. Appends are optimistic: the caller says how many events it has seen
 *   (`expectedVersion`), and the append fails with a conflict if someone else appended first; the
 *   app then reloads and decides again. An idempotency key makes a repeated delivery (the same
 *   click twice, a job that fires twice) record once.
 * - Case summaries, written with the events they summarise, for the questions people ask of many
 *   cases at once: mine, my agency's, those due, those at Stage 3 or above.
 * - Case snapshots: a case's folded state as of one of its events, so a case is loaded from its
 *   snapshot and the events since, whatever its length. A cache, never the record: each names
 *   the version of the fold that made it and the hash of the event it stands at (src/app/cases.ts
 *   ignores one that does not match either), and the audit reads only events.
 * - Documents: small keyed values with an etag, for conversation references (where to send a
 *   proactive message) and the bots' conversation state.
 * - Audit anchors (src/app/audit.ts): every append records one in the same write as its events,
 *   chained partnership-wide, so a deleted event or case shows. Adapters hash with the
 *   AuditHasher they are given (keyed with AUDIT_KEY); tests may leave it plain.
 */
import type { CaseEvent } from '../domain/escalation/events.js';
import type { CaseSummary } from './case-summary.js';

export type StoreKind = 'pglite' | 'postgres' | 'mongodb';

/** How an event or anchor was hashed: plain SHA-256 (before AUDIT_KEY, or without one), or keyed. */
export type AuditScheme = 'sha256' | 'hmac-sha256';

export type StoredEvent = {
  caseRef: string;
  /** 1 for the case's first event, then 2, 3... */
  seq: number;
  event: CaseEvent;
  idempotencyKey: string | null;
  /** The hash of the previous event of the case (null for the first) and of this one. */
  prevHash: string | null;
  hash: string;
  scheme: AuditScheme;
};

/** One link of the partnership-wide anchor chain: a case's head as an append left it. */
export type StoredAnchor = {
  /** 1 for the first anchor of the partnership, then 2, 3... */
  seq: number;
  caseRef: string;
  /** How many events the case had, and the hash of its last one. */
  events: number;
  caseHash: string;
  /** The MAC of the anchor before (null for the first) and of this one. */
  prevMac: string | null;
  mac: string;
  scheme: AuditScheme;
  /** The fingerprint of the key it was made with (null when plain). */
  keyId: string | null;
};

/** A case's folded state as it stood after event `version` (whose hash is `hash`), folded by fold version `fold`. */
export type CaseSnapshot = { version: number; hash: string; fold: number; state: unknown };

/**
 * Which of a case's events to load: those after `after` and up to `upTo` (sequence numbers), and
 * of those only the `last` so many. None given: all of them.
 */
export type EventRange = { after?: number; upTo?: number; last?: number };

export type AppendOptions = {
  idempotencyKey?: string | undefined;
  /** The case as it stands after these events; stored with them so queries never lag. */
  summary?: CaseSummary | undefined;
};

export type AppendResult =
  | { ok: true; stored: StoredEvent[]; duplicate: boolean }
  | { ok: false; conflict: true; message: string };

export type CaseQuery = {
  /** Cases this person takes part in. */
  participantId?: string;
  /** Cases where this agency is either side. */
  agencyId?: string;
  phases?: CaseSummary['phase'][];
  /** Open stages whose next response or acknowledgement is due at or before this instant. */
  dueBefore?: string;
  /** Cases whose current stage is at least this one. */
  minStage?: number;
  limit?: number;
};

export type StoredDocument<T = unknown> = { value: T; etag: string };

/** `expectedEtag`: omitted = write whatever is there; null = only if nothing is there yet. */
export type PutResult = { ok: true; etag: string } | { ok: false; conflict: true };

export interface Store {
  readonly kind: StoreKind;
  /**
   * True when this store is its database's only client (the embedded store as open-store opens
   * it): what it recorded is what is stored, since nothing else writes there while it is open.
   */
  readonly soleClient?: boolean;
  append(caseRef: string, expectedVersion: number, events: CaseEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** A case's events in order: all of them, or those in `range`. */
  load(caseRef: string, range?: EventRange): Promise<StoredEvent[]>;
  /** The case's snapshot made by fold version `fold`, if there is one. */
  snapshot(caseRef: string, fold: number): Promise<CaseSnapshot | null>;
  /**
   * Keeps a snapshot in place of the case's one of the same fold, whichever is further on: one
   * that does not fit the events must give way, and an older one kept by a slower writer only
   * means a few more events to fold.
   */
  saveSnapshot(caseRef: string, snapshot: CaseSnapshot): Promise<void>;
  /** The events recorded under an idempotency key (empty if none). */
  recordedWith(caseRef: string, idempotencyKey: string): Promise<StoredEvent[]>;
  /** Every case reference, for audits. */
  caseRefs(): Promise<string[]>;
  /** The whole anchor chain, in order, for audits. */
  anchors(): Promise<StoredAnchor[]>;
  /**
   * Anchors a case's events as they stand (null if it has none): for cases recorded before
   * anchors existed, once their chain has been verified.
   */
  anchorCase(caseRef: string): Promise<StoredAnchor | null>;
  /** Summaries matching every condition given, soonest due first, then by reference. */
  findCases(query: CaseQuery): Promise<CaseSummary[]>;
  getDocument<T = unknown>(namespace: string, key: string): Promise<StoredDocument<T> | null>;
  putDocument(namespace: string, key: string, value: unknown, expectedEtag?: string | null): Promise<PutResult>;
  deleteDocument(namespace: string, key: string): Promise<void>;
  /** One round-trip to the database (for /readyz); rejects when it cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
