/**
 * `directory import` and `directory bindings`: the business unit's side of the directory kept in
 * the store (src/app/live-directory.ts). An import is checked whole and stored only if it has no
 * problem; running apps use it from their next turn.
 */
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { importedDirectory, listBindings, saveImportedDirectory } from '../app/live-directory.js';
import { loadDirectoryFile } from '../app/directory-file.js';
import { readTextFile } from '../app/read-text-file.js';
import { directoryFromCsv, type CsvFile } from '../domain/directory-csv.js';
import type { Directory } from '../domain/directory.js';
import { loadConfig, type Config } from '../config.js';
import { openStore } from '../store/open-store.js';

type Say = (s: string) => void;
type Usage = (message: string) => Error;

async function withStore<T>(run: (store: Awaited<ReturnType<typeof openStore>>['store'], config: Config) => Promise<T>): Promise<T> {
  const loaded = loadConfig();
  if (!loaded.ok) throw new Error(loaded.message);
  const { store } = await openStore(loaded.config);
  try {
    return await run(store, loaded.config);
  } finally {
    await store.close();
  }
}

async function csvFile(path: string): Promise<CsvFile> {
  const file = await readTextFile(path);
  if (!file.ok) throw new Error(file.errors.join('\n'));
  return { name: basename(path), text: file.text };
}

/** The directory in use: the one imported last, else the directory file. */
async function currentDirectory(store: Parameters<typeof importedDirectory>[0], config: Config): Promise<Directory> {
  const imported = await importedDirectory(store);
  if (imported) return imported.directory;
  const loaded = await loadDirectoryFile(config.DIRECTORY_FILE);
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return loaded.directory;
}

export async function directoryImport(args: string[], out: Say, err: Say, usage: Usage): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { agencies: { type: 'string' } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw usage('directory import takes one people CSV file: directory import people.csv [--agencies agencies.csv].');
  const people = await csvFile(positionals[0]!);
  const agencies = values.agencies ? await csvFile(values.agencies) : undefined;
  return withStore(async (store, config) => {
    const current = await currentDirectory(store, config);
    // The partnership (and so its procedure) stays as the app started with it.
    const built = directoryFromCsv({ people, ...(agencies ? { agencies } : {}), partnership: current.partnership, current });
    if (!built.ok) {
      built.errors.forEach((e) => err(e));
      err(`Nothing was imported: ${built.errors.length} problem${built.errors.length > 1 ? 's' : ''}.`);
      return 1;
    }
    await saveImportedDirectory(store, built.directory, new Date());
    const d = built.directory;
    out(`Imported ${d.people.length} people in ${d.agencies.length} agencies for ${d.partnership.name}. Running apps use it from their next message.`);
    return 0;
  });
}

export async function directoryBindings(args: string[], out: Say, usage: Usage): Promise<number> {
  if (args.length) throw usage('directory bindings takes no arguments.');
  return withStore(async (store, config) => {
    const [directory, bindings] = await Promise.all([currentDirectory(store, config), listBindings(store)]);
    for (const b of bindings) {
      const person = directory.people.find((p) => p.id === b.personId);
      out(`${b.at}  ${b.platform.padEnd(5)}  ${b.personId}${person ? ` (${person.name}, ${person.agencyId})` : ' (no longer in the directory)'}  ${b.platformId}  by ${b.how}`);
    }
    const on = (platform: 'teams' | 'slack') => directory.people.filter((p) => p.identities[platform] || bindings.some((b) => b.personId === p.id && b.platform === platform)).length;
    out(`${bindings.length} binding${bindings.length === 1 ? '' : 's'}. Of ${directory.people.length} people, ${on('teams')} can be reached on Teams and ${on('slack')} on Slack.`);
    return 0;
  });
}
