/**
 * The audit anchor chain on MongoDB (src/app/audit.ts): one document per anchor, whose _id is
 * its place in the partnership-wide chain, so two writers of one place are refused by the _id.
 * Anchors of one process take turns; an anchor another instance took first is made again on
 * the new head.
 *
 * The store writes a commit's anchor just after the commit. Without a transaction, a crash
 * between the two leaves the commit's events unanchored, which `audit verify` names ("not
 * anchored") until the case's next append anchors its whole head again. With a session (a
 * transaction on a replica set) `record` makes one try and lets a duplicate _id fail the
 * transaction, to be retried whole.
 */
import type { ClientSession, Collection, Db } from 'mongodb';
import { keyMismatch, type AuditHasher } from '../../app/audit.js';
import type { AuditScheme, StoredAnchor } from '../../app/store.js';

export type AnchorDoc = {
  _id: number;
  caseRef: string;
  events: number;
  caseHash: string;
  prevMac: string | null;
  mac: string;
  scheme: AuditScheme;
  keyId: string | null;
  recordedAt: Date;
};

export const ANCHORS_COLLECTION = 'audit_anchors';
const TRIES = 20;

const toAnchor = ({ _id, caseRef, events, caseHash, prevMac, mac, scheme, keyId }: AnchorDoc): StoredAnchor => ({ seq: _id, caseRef, events, caseHash, prevMac, mac, scheme, keyId });

const isDuplicateKey = (e: unknown) => typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 11000;

export type MongoAnchors = {
  /** Throws if this process may not extend the chain (it is keyed with another key): call before writing a commit. */
  check(): Promise<void>;
  /** Anchors a case's head: its number of events and its last event's hash. */
  record(caseRef: string, events: number, caseHash: string, session?: ClientSession): Promise<StoredAnchor>;
  /** The whole chain, in order. */
  list(): Promise<StoredAnchor[]>;
};

export function mongoAnchors(db: Db, hasher: AuditHasher): MongoAnchors {
  const anchors: Collection<AnchorDoc> = db.collection(ANCHORS_COLLECTION);
  let head: StoredAnchor | null | undefined;
  const readHead = async (session?: ClientSession) => {
    const doc = await anchors.find({}, { session }).sort({ _id: -1 }).limit(1).next();
    const found = doc ? toAnchor(doc) : null;
    // Never extend a keyed chain without its key: every record after would fail verification.
    const problem = found && keyMismatch(found, hasher);
    if (problem) throw new Error(`cannot record: ${problem}`);
    return found;
  };

  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const run = turn.then(work, work);
    turn = run.catch(() => undefined);
    return run;
  };

  return {
    check: async () => void (head ??= await readHead()),
    record: (caseRef, events, caseHash, session) =>
      inTurn(async () => {
        for (let tries = 1; ; tries++) {
          // In a transaction, read the head inside it rather than trusting what this process saw.
          const prev = session ? await readHead(session) : (head ??= await readHead());
          const fields = { seq: (prev?.seq ?? 0) + 1, caseRef, events, caseHash, prevMac: prev?.mac ?? null, keyId: hasher.keyId };
          const anchor: StoredAnchor = { ...fields, mac: hasher.anchorMac(fields), scheme: hasher.scheme };
          try {
            await anchors.insertOne({ _id: anchor.seq, caseRef, events, caseHash, prevMac: anchor.prevMac, mac: anchor.mac, scheme: anchor.scheme, keyId: anchor.keyId, recordedAt: new Date() }, { session });
          } catch (e) {
            head = undefined;
            if (isDuplicateKey(e) && !session && tries < TRIES) continue;
            throw e;
          }
          // Inside a transaction the anchor is not settled until it commits.
          head = session ? undefined : anchor;
          return anchor;
        }
      }),
    list: async () => (await anchors.find({}).sort({ _id: 1 }).toArray()).map(toAnchor),
  };
}
