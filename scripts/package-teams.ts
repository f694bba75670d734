/** `npm run package:teams`: writes build/resolve-teams.zip, the app package to upload to Teams. */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { packageTeamsApp } from '../src/teams/app-package.js';

const out = fileURLToPath(new URL('../build/resolve-teams.zip', import.meta.url));

try {
  const { zip, manifest, warnings } = await packageTeamsApp(process.env);
  for (const w of warnings) console.warn(`warning: ${w}`);
  await mkdir(fileURLToPath(new URL('../build/', import.meta.url)), { recursive: true });
  await writeFile(out, zip);
  console.log(`Wrote ${out} (app id ${manifest.id}, bot id ${manifest.bots?.[0]?.botId ?? 'none'})`);
} catch (e) {
  console.error(`package:teams: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
