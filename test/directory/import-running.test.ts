/**
 * `npm run cli -- directory import` while the app runs on the same PostgreSQL database: the app's
 * next message uses the new directory, with no restart. (PGlite is one process's database, so this
 * needs a server: TEST_POSTGRES_URL.)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';
import { teamsHarness } from '../teams/support.js';
import { demoAgenciesCsv, demoPeopleCsv } from './support.js';

const url = process.env.TEST_POSTGRES_URL;
const NEW = '00000000-0000-0000-0000-0000000000b1';

if (!url) {
  describe('directory import while the app runs', () => {
    it.skip('SKIPPED: TEST_POSTGRES_URL is not set, so the command-line import into a running app was not tested', () => undefined);
  });
} else {
  describe('directory import while the app runs', () => {
    let h: Awaited<ReturnType<typeof teamsHarness>>;
    const saved = process.env.DATABASE_URL;
    beforeAll(async () => {
      h = await teamsHarness({ env: () => ({ DATABASE_URL: url }) });
      // A clean start: nothing imported or bound by an earlier run on this database.
      for (const key of ['imported', 'bindings', 'version']) await h.app.store.deleteDocument('directory', key);
      process.env.DATABASE_URL = url;
    }, 60_000);
    afterAll(async () => {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
      for (const key of ['imported', 'bindings', 'version']) await h?.app.store.deleteDocument('directory', key);
      await h?.stop();
    });

    it('is used from the next message', async () => {
      h.rosterAdd(NEW, { email: 'rae@school.example.org' });
      expect((await h.say('my cases', NEW)).map((b) => b.text)).toEqual([expect.stringContaining("I can't find rae@school.example.org in this partnership's directory")]);
      const dir = mkdtempSync(join(tmpdir(), 'resolve-import-'));
      writeFileSync(join(dir, 'people.csv'), demoPeopleCsv(['rae@school.example.org,Rae Teacher,school,practitioner,Teacher,,,,']));
      writeFileSync(join(dir, 'agencies.csv'), demoAgenciesCsv());
      expect(await cli('directory', 'import', join(dir, 'people.csv'), '--agencies', join(dir, 'agencies.csv'))).toMatchObject({ code: 0 });
      expect((await h.say('my cases', NEW)).map((b) => b.text)).toEqual(['You are not taking part in any case.']);
      expect((await cli('directory', 'bindings')).out).toMatch(/ {2}teams {2}rae-school-example-org \(Rae Teacher, school\) {2}0{8}-0{4}-0{4}-0{4}-0{10}b1 {2}by teams-roster-email\n1 binding\. /);
    }, 60_000);
  });
}
