/**
 * The contract on MongoDB, when TEST_MONGODB_URL is set (no MongoDB server can run on the CI
 * machine). Each store gets its own database, dropped at the end, with the durability options
 * the app sets; on a replica set appends are transactions, as in the app. Without a server,
 * mongo-faults.test.ts runs the same contract on an in-memory fake of the driver.
 */
import { afterAll, describe, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { DEFAULT_TIMEOUT_MS, durableDbOptions, topologyOf } from '../../src/store/mongo/connect.js';
import { ANCHORS_COLLECTION, type AnchorDoc } from '../../src/store/mongo/mongo-anchors.js';
import { COLLECTIONS, mongoStore, type CommitDoc } from '../../src/store/mongo/mongo-store.js';
import { storeContract } from './store-contract.js';

const url = process.env.TEST_MONGODB_URL;
if (url) {
  // As in the app: an operation waits out an election (a failover during a run slows it, no more).
  const client = new MongoClient(url, { serverSelectionTimeoutMS: DEFAULT_TIMEOUT_MS });
  const databases: string[] = [];
  afterAll(async () => {
    for (const name of databases) await client.db(name).dropDatabase();
    await client.close();
  });
  storeContract('MongoDB', async (hasher) => {
    const name = `resolve_test_${randomBytes(6).toString('hex')}`;
    databases.push(name);
    const db = client.db(name, durableDbOptions(DEFAULT_TIMEOUT_MS));
    const commits = db.collection<CommitDoc>(COLLECTIONS.commits);
    const sessions = topologyOf(await client.db('admin').command({ hello: 1 })) === 'standalone' ? null : client;
    // The test owns the client; closing one store must not close it for the next.
    const store = await mongoStore(db, { close: async () => undefined, sessions, ...(hasher ? { hasher } : {}) });
    return {
      store,
      reopen: (other) => mongoStore(db, { close: async () => undefined, sessions, hasher: other }),
      tamper: async (caseRef, seq, text) => {
        await commits.updateOne({ caseRef, 'events.seq': seq }, { $set: { 'events.$.event.data.text': text } });
      },
      deleteEvents: async (caseRef, fromSeq) => {
        await commits.deleteMany({ caseRef, firstSeq: { $gte: fromSeq } });
        await commits.updateMany({ caseRef, lastSeq: { $gte: fromSeq } }, { $pull: { events: { seq: { $gte: fromSeq } } }, $set: { lastSeq: fromSeq - 1 } });
      },
      deleteAnchors: async ({ caseRef, fromSeq }) => {
        await db.collection<AnchorDoc>(ANCHORS_COLLECTION).deleteMany({ ...(caseRef ? { caseRef } : {}), _id: { $gte: fromSeq ?? 1 } });
      },
      replaceEvent: async ({ caseRef, seq, event, prevHash, hash, scheme }) => {
        await commits.updateOne({ caseRef, 'events.seq': seq }, { $set: { 'events.$': { seq, event, prevHash, hash }, scheme } });
      },
    };
  });
} else {
  describe('event store contract: MongoDB', () => {
    it.skip('SKIPPED: TEST_MONGODB_URL is not set, so the MongoDB adapter was not tested (no MongoDB server can run on this machine)', () => undefined);
  });
}
