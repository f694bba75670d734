/**
 * An in-memory stand-in for the parts of the MongoDB driver the store calls (no MongoDB server
 * can run on the CI machine), with faults to inject around any operation. It keeps what the
 * adapter relies on: every document goes through BSON on the way in and out (so what comes back
 * is what a server would give back), _id and unique (partial, `$exists`) indexes refuse
 * duplicates with code 11000, and a transaction's writes are undone when it fails. Queries
 * support what the adapter asks: equality (into arrays), $and, $or, $in, $lt, $lte, $gt, $gte,
 * $exists, $type null; sorts; limits; $set, $setOnInsert, $unset; one $group with $max.
 */
import { BSON, MongoError, MongoNetworkError, MongoServerError, type ClientSession, type Db } from 'mongodb';

type D = Record<string, unknown>;
type IndexSpec = { name: string; key: Record<string, 1 | -1>; unique?: boolean; partialFilterExpression?: D };

/** What a fault does when its operation runs: throw before it, or do it and then throw (a lost acknowledgement), or run something first. */
export type Fault = {
  collection: string;
  op: string;
  /** Only inside a transaction (true), only outside one (false), or either (undefined). */
  inTransaction?: boolean;
  error?: unknown;
  afterWrite?: boolean;
  before?: () => Promise<void>;
  times?: number;
};

const clone = <T>(doc: T): T => BSON.deserialize(BSON.serialize(doc as D)) as T;

export const networkError = () => new MongoNetworkError('connection reset by peer (injected)');
export const lostCommitAck = () => {
  const e = new MongoError('commitTransaction acknowledgement lost (injected)');
  e.addErrorLabel('UnknownTransactionCommitResult');
  return e;
};
const duplicateKey = (index: string) => new MongoServerError({ message: `E11000 duplicate key error (index ${index})`, code: 11000 });

const get = (doc: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as D)[k] : undefined), doc);

const comparable = (a: unknown, b: unknown) =>
  (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string') || (a instanceof Date && b instanceof Date);
const cmp = (a: unknown, b: unknown) => {
  const [x, y] = [a instanceof Date ? a.getTime() : a, b instanceof Date ? b.getTime() : b] as [number | string, number | string];
  return x < y ? -1 : x > y ? 1 : 0;
};
const equal = (a: unknown, b: unknown) => (a === undefined || a === null ? b === undefined || b === null : JSON.stringify(a) === JSON.stringify(b));

function matchValue(value: unknown, cond: unknown): boolean {
  const candidates = Array.isArray(value) ? [value, ...value] : [value];
  if (cond !== null && typeof cond === 'object' && !(cond instanceof Date) && Object.keys(cond).some((k) => k.startsWith('$'))) {
    return Object.entries(cond as D).every(([op, arg]) => {
      switch (op) {
        case '$exists':
          return (value !== undefined) === arg;
        case '$type':
          if (arg !== 'null') throw new Error('the fake supports $type: null only');
          return value === null;
        case '$in':
          return (arg as unknown[]).some((a) => candidates.some((v) => equal(v, a)));
        case '$lt':
          return candidates.some((v) => comparable(v, arg) && cmp(v, arg) < 0);
        case '$lte':
          return candidates.some((v) => comparable(v, arg) && cmp(v, arg) <= 0);
        case '$gt':
          return candidates.some((v) => comparable(v, arg) && cmp(v, arg) > 0);
        case '$gte':
          return candidates.some((v) => comparable(v, arg) && cmp(v, arg) >= 0);
        default:
          throw new Error(`the fake does not support ${op}`);
      }
    });
  }
  return candidates.some((v) => equal(v, cond));
}

export function matches(doc: D, filter: D): boolean {
  return Object.entries(filter).every(([k, cond]) => {
    if (k === '$and') return (cond as D[]).every((f) => matches(doc, f));
    if (k === '$or') return (cond as D[]).some((f) => matches(doc, f));
    return matchValue(get(doc, k), cond);
  });
}

class Cursor {
  private order: [string, number][] = [];
  private max: number | undefined;
  constructor(private readonly load: () => D[]) {}
  sort(spec: Record<string, number>) {
    this.order = Object.entries(spec);
    return this;
  }
  limit(n: number) {
    this.max = n;
    return this;
  }
  async toArray() {
    await tick();
    const docs = this.load().sort((a, b) => {
      for (const [k, dir] of this.order) {
        const c = cmp(get(a, k), get(b, k));
        if (c) return c * dir;
      }
      return 0;
    });
    // MongoDB's limit(0) is no limit.
    return this.max ? docs.slice(0, this.max) : docs;
  }
  async next() {
    return (await this.toArray())[0] ?? null;
  }
}

/** Lets other calls run between steps, as a server's round trips would. */
const tick = () => new Promise<void>((r) => setImmediate(r));

export class FakeCollection {
  docs: D[] = [];
  indexes: IndexSpec[] = [];
  constructor(
    readonly name: string,
    private readonly db: FakeDb,
  ) {}

  private async run<T>(op: string, options: { session?: unknown } | undefined, work: () => T): Promise<T> {
    await tick();
    const fault = this.db.takeFault(this.name, op, Boolean(undoLog(options?.session)));
    await fault?.before?.();
    if (fault?.error && !fault.afterWrite) throw fault.error;
    const result = work();
    if (fault?.error) throw fault.error;
    return result;
  }

  private checkUnique(doc: D, except?: D) {
    const others = this.docs.filter((d) => d !== except);
    if (others.some((d) => equal(d._id, doc._id))) throw duplicateKey('_id_');
    for (const ix of this.indexes.filter((i) => i.unique)) {
      const covered = (d: D) => !ix.partialFilterExpression || matches(d, ix.partialFilterExpression);
      if (!covered(doc)) continue;
      const key = (d: D) => JSON.stringify(Object.keys(ix.key).map((k) => get(d, k) ?? null));
      if (others.some((d) => covered(d) && key(d) === key(doc))) throw duplicateKey(ix.name);
    }
  }

  private insert(doc: D, session: unknown) {
    const stored = clone(doc);
    this.checkUnique(stored);
    this.docs.push(stored);
    undoLog(session)?.push(() => (this.docs = this.docs.filter((d) => d !== stored)));
  }

  private replaceAt(old: D, next: D, session: unknown) {
    const stored = clone(next);
    this.checkUnique(stored, old);
    this.docs[this.docs.indexOf(old)] = stored;
    undoLog(session)?.push(() => (this.docs[this.docs.indexOf(stored)] = old));
  }

  createIndexes(specs: IndexSpec[]) {
    return this.run('createIndexes', undefined, () => {
      for (const s of specs) this.addIndex(s);
      return specs.map((s) => s.name);
    });
  }
  createIndex(key: Record<string, 1 | -1>, options: Partial<Omit<IndexSpec, 'key'>> = {}) {
    return this.run('createIndex', undefined, () => {
      const name = options.name ?? Object.entries(key).map(([k, v]) => `${k}_${v}`).join('_');
      this.addIndex({ ...options, key, name });
      return name;
    });
  }
  private addIndex(spec: IndexSpec) {
    const same = this.indexes.find((i) => i.name === spec.name);
    if (same && JSON.stringify(same) !== JSON.stringify(spec)) throw new MongoServerError({ message: `An existing index has the same name (${spec.name}) but different options`, code: 85 });
    if (!same) this.indexes.push(spec);
  }
  dropIndex(name: string) {
    return this.run('dropIndex', undefined, () => {
      if (!this.indexes.some((i) => i.name === name)) throw new MongoServerError({ message: `index not found with name [${name}]`, code: 27 });
      this.indexes = this.indexes.filter((i) => i.name !== name);
    });
  }

  insertOne(doc: D, options?: { session?: unknown }) {
    return this.run('insertOne', options, () => {
      this.insert(doc, options?.session);
      return { acknowledged: true, insertedId: doc._id };
    });
  }
  findOne(filter: D, options?: { session?: unknown }) {
    return this.run('findOne', options, () => {
      const d = this.docs.find((x) => matches(x, filter));
      return d ? clone(d) : null;
    });
  }
  find(filter: D = {}) {
    return new Cursor(() => this.docs.filter((d) => matches(d, filter)).map(clone));
  }
  distinct(field: string) {
    return this.run('distinct', undefined, () => [...new Set(this.docs.map((d) => get(d, field)))]);
  }
  aggregate(pipeline: D[]) {
    const group = pipeline[0]?.$group as { _id: string; version: { $max: string } } | undefined;
    if (pipeline.length !== 1 || !group) throw new Error('the fake supports one $group stage');
    return {
      toArray: () =>
        this.run('aggregate', undefined, () => {
          const out = new Map<unknown, number>();
          for (const d of this.docs) {
            const id = get(d, group._id.slice(1));
            const v = get(d, group.version.$max.slice(1)) as number;
            out.set(id, Math.max(out.get(id) ?? -Infinity, v));
          }
          return [...out].map(([_id, version]) => ({ _id, version }));
        }),
    };
  }
  replaceOne(filter: D, doc: D, options?: { upsert?: boolean; session?: unknown }) {
    return this.run('replaceOne', options, () => {
      const old = this.docs.find((x) => matches(x, filter));
      if (old) this.replaceAt(old, { ...doc, _id: old._id }, options?.session);
      else if (options?.upsert) this.insert({ ...doc, _id: doc._id ?? filter._id }, options.session);
      return { matchedCount: old ? 1 : 0 };
    });
  }
  updateOne(filter: D, update: { $set?: D; $setOnInsert?: D; $unset?: D }, options?: { upsert?: boolean; session?: unknown }) {
    return this.run('updateOne', options, () => {
      const old = this.docs.find((x) => matches(x, filter));
      if (old) this.replaceAt(old, applyUpdate(old, update), options?.session);
      else if (options?.upsert) {
        const seed = Object.fromEntries(Object.entries(filter).filter(([k, v]) => !k.startsWith('$') && (v === null || typeof v !== 'object')));
        this.insert(applyUpdate({ ...seed, ...update.$setOnInsert }, update), options.session);
      }
      return { matchedCount: old ? 1 : 0 };
    });
  }
  updateMany(filter: D, update: { $set?: D; $unset?: D }) {
    return this.run('updateMany', undefined, () => {
      const hit = this.docs.filter((x) => matches(x, filter));
      for (const d of hit) this.replaceAt(d, applyUpdate(d, update), undefined);
      return { matchedCount: hit.length };
    });
  }
  deleteOne(filter: D) {
    return this.run('deleteOne', undefined, () => {
      const i = this.docs.findIndex((x) => matches(x, filter));
      if (i >= 0) this.docs.splice(i, 1);
      return { deletedCount: i >= 0 ? 1 : 0 };
    });
  }
}

function applyUpdate(doc: D, update: { $set?: D; $unset?: D }): D {
  const next = { ...doc, ...update.$set };
  for (const k of Object.keys(update.$unset ?? {})) delete next[k];
  return next;
}

/** The writes a transaction under way made, to undo if it fails (other writers' stay). */
const undoLog = (session: unknown) => (session instanceof FakeSession && session.undo ? session.undo : undefined);

class FakeSession {
  undo: (() => void)[] | null = null;
  constructor(private readonly db: FakeDb) {}
  async withTransaction<T>(fn: (s: FakeSession) => Promise<T>): Promise<T> {
    this.undo = [];
    try {
      const result = await fn(this);
      const fault = this.db.takeFault('session', 'commitTransaction', true);
      if (fault?.error && !fault.afterWrite) throw fault.error;
      this.undo = null;
      // Committed; a fault after it is an acknowledgement that never arrived.
      if (fault?.error) throw fault.error;
      return result;
    } catch (e) {
      for (const undo of (this.undo ?? []).reverse()) undo();
      throw e;
    } finally {
      this.undo = null;
    }
  }
  async endSession() {}
}

export class FakeDb {
  private readonly collections = new Map<string, FakeCollection>();
  private faults: Fault[] = [];
  readonly sessionsStarted: FakeSession[] = [];

  collection(name: string): FakeCollection {
    let c = this.collections.get(name);
    if (!c) this.collections.set(name, (c = new FakeCollection(name, this)));
    return c;
  }

  /** Arms a fault for the next matching operation(s). */
  fail(fault: Fault) {
    this.faults.push({ times: 1, ...fault });
  }

  takeFault(collection: string, op: string, inTransaction: boolean): Fault | undefined {
    const f = this.faults.find((x) => x.collection === collection && x.op === op && (x.inTransaction === undefined || x.inTransaction === inTransaction));
    if (!f) return undefined;
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) this.faults = this.faults.filter((x) => x !== f);
    return f;
  }

  /** The client's session factory, as a replica set's would be. */
  readonly sessions = {
    startSession: () => {
      const s = new FakeSession(this);
      this.sessionsStarted.push(s);
      return s as unknown as ClientSession;
    },
  };

  get asDb(): Db {
    return this as unknown as Db;
  }
}
