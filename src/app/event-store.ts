/**
 * The event store port: how the app keeps a case's events. Adapters (PostgreSQL and embedded
 * PGlite in src/store/postgres) all pass one contract test suite.
 *
 * Appends are optimistic: the caller says how many events it has seen (`expectedVersion`), and
 * the append fails with a conflict if someone else appended first; the app then reloads and
 * decides again. An idempotency key makes a repeated delivery (the same click twice) record once.
 */
import type { CaseEvent } from '../domain/escalation/events.js';

export type StoredEvent = {
  caseRef: string;
  /** 1 for the case's first event, then 2, 3... */
  seq: number;
  event: CaseEvent;
  idempotencyKey: string | null;
  /** The hash of the previous event of the case (null for the first) and of this one. */
  prevHash: string | null;
  hash: string;
};

export type AppendResult =
  | { ok: true; stored: StoredEvent[]; duplicate: boolean }
  | { ok: false; conflict: true; message: string };

export interface EventStore {
  readonly kind: 'pglite' | 'postgres' | 'mongodb';
  append(caseRef: string, expectedVersion: number, events: CaseEvent[], idempotencyKey?: string): Promise<AppendResult>;
  load(caseRef: string): Promise<StoredEvent[]>;
  /** The events recorded under an idempotency key (empty if none). */
  recordedWith(caseRef: string, idempotencyKey: string): Promise<StoredEvent[]>;
  /** Every case reference, for audits. */
  caseRefs(): Promise<string[]>;
  close(): Promise<void>;
}
