/**
 * `npm run playground [-- <person id>]`: opens the Microsoft 365 Agents Playground (a Teams-like
 * client that runs offline) on the running bot, as one person of the directory (default: the
 * demo's social worker, csc-sw). Start the bot first with `npm start`.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { loadDirectoryFile } from '../src/app/directory-file.js';
import { loadConfig } from '../src/config.js';
import { writePlaygroundConfig } from './playground-config.js';

const loaded = loadConfig();
if (!loaded.ok) {
  process.stderr.write(`playground: ${loaded.message}\n`);
  process.exit(1);
}
const directory = await loadDirectoryFile(loaded.config.DIRECTORY_FILE);
if (!directory.ok) {
  process.stderr.write(`playground: ${directory.errors.join('; ')}\n`);
  process.exit(1);
}
const personId = process.argv[2] ?? 'csc-sw';
const dir = resolve('.playground', personId);
try {
  writePlaygroundConfig(directory.directory, personId, dir);
} catch (e) {
  process.stderr.write(`playground: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
const endpoint = `http://127.0.0.1:${loaded.config.PORT}/api/messages`;
process.stdout.write(`Playground as ${personId}, talking to ${endpoint}: open http://localhost:56150 (its log is in ${dir}/devTools/)\n`);
const child = spawn(resolve('node_modules/.bin/agentsplayground'), ['-e', endpoint, '-c', 'msteams', '--dt'], { cwd: dir, stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
