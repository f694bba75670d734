/**
 * The Agenda backend on the store's MongoDB database (see agenda-backend.ts). A module of its own
 * so the MongoDB driver is loaded only when the store is MongoDB.
 */
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
import { dropIfThere } from '../store/mongo/mongo-store.js';
import type { JobBackend } from './agenda-backend.js';

export function mongoJobBackend(db: Db): JobBackend {
  const collection = 'agendaJobs';
  return {
    backend: new MongoBackend({ mongo: db, collection }),
    ensureUniqueKeys: async () => {
      const jobs = db.collection(collection);
      // On `$exists`, which Agenda's equality lookups by key imply; it replaces the older one on
      // `$type`, which they never used (dropped first: one key pattern may hold one such index).
      await dropIfThere(jobs, 'data.key_1');
      await jobs.createIndex({ 'data.key': 1 }, { name: 'job_key', unique: true, partialFilterExpression: { 'data.key': { $exists: true } } });
      await jobs.createIndex({ 'data.ref': 1 });
      // Agenda's queue size (jobs past their time, shown by /healthz): its own index starts with the name.
      await jobs.createIndex({ nextRunAt: 1 }, { name: 'next_run' });
    },
    countJobs: async () => {
      const jobs = db.collection(collection);
      const [pending, failed] = await Promise.all([
        jobs.countDocuments({ nextRunAt: { $ne: null }, lockedAt: null }),
        jobs.countDocuments({ failedAt: { $ne: null }, $or: [{ lastFinishedAt: null }, { $expr: { $gte: ['$failedAt', '$lastFinishedAt'] } }] }),
      ]);
      return { pending, failed };
    },
  };
}
