/**
 * The Teams app package: `manifest/teams/manifest.json` with its ids filled in from the
 * environment, checked offline against the schema bundled in @microsoft/app-manifest, zipped
 * with its two icons. `scripts/package-teams.ts` is the command-line wrapper.
 *
 * Validation runs ajv on the bundled schema file itself: the package's own validator
 * (AppManifestUtils) cannot be loaded, as version 1.1.2 requires fs-extra without declaring it.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TeamsManifest } from '@microsoft/app-manifest';
import { Ajv, type ErrorObject, type SchemaObject } from 'ajv';
import JSZip from 'jszip';

export const MANIFEST_DIR = fileURLToPath(new URL('../../manifest/teams/', import.meta.url));
/** Used when TEAMS_APP_ID is unset, so every local package installs as the same app. */
export const DEFAULT_TEAMS_APP_ID = 'b5c2f962-0078-4cdb-8102-bfbc0b5d5ac0';
/** Lets the package validate and build when no bot is registered yet; Teams will not reach it. */
export const PLACEHOLDER_BOT_ID = '00000000-0000-0000-0000-000000000000';
export const ICONS = { color: { file: 'color.png', size: 192 }, outline: { file: 'outline.png', size: 32 } } as const;

type Env = Record<string, string | undefined>;

const set = (v: string | undefined): string | undefined => (v?.trim() ? v.trim() : undefined);

/** The ids the package needs. The bot id follows the Agents SDK's `clientId` when BOT_ID and MICROSOFT_APP_ID are unset. */
export function idsFromEnv(env: Env): { appId: string; botId: string; warnings: string[] } {
  const warnings: string[] = [];
  let botId = set(env.BOT_ID) ?? set(env.MICROSOFT_APP_ID) ?? set(env.clientId);
  if (!botId) {
    botId = PLACEHOLDER_BOT_ID;
    warnings.push(`No BOT_ID, MICROSOFT_APP_ID or clientId set: the bot id is the placeholder ${PLACEHOLDER_BOT_ID}, so Teams cannot reach the bot.`);
  }
  return { appId: set(env.TEAMS_APP_ID) ?? DEFAULT_TEAMS_APP_ID, botId, warnings };
}

/** Fills the `${{NAME}}` tokens of the manifest template; throws on a token it has no value for. */
export function buildManifest(template: string, env: Env): { manifest: TeamsManifest; warnings: string[] } {
  const { appId, botId, warnings } = idsFromEnv(env);
  const values: Record<string, string> = { TEAMS_APP_ID: appId, BOT_ID: botId };
  const unknown: string[] = [];
  // JSON.stringify(...).slice keeps a value with quotes or backslashes from breaking the JSON.
  const text = template.replace(/\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (token, name: string) => {
    const value = values[name];
    if (value === undefined) {
      unknown.push(token);
      return token;
    }
    return JSON.stringify(value).slice(1, -1);
  });
  if (unknown.length) throw new Error(`manifest.json has placeholders with no value: ${unknown.join(', ')}`);
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (e) {
    throw new Error(`manifest.json is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  return { manifest: manifest as TeamsManifest, warnings };
}

const requireCjs = createRequire(import.meta.url);

/** The bundled schema for this manifest version, read from disk so validation never needs the network. */
export async function loadSchema(manifestVersion: string): Promise<SchemaObject> {
  const pkgDir = dirname(requireCjs.resolve('@microsoft/app-manifest/package.json'));
  const file = join(pkgDir, 'build', 'json-schemas', 'teams', `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch {
    throw new Error(`manifestVersion ${manifestVersion} has no schema bundled in @microsoft/app-manifest`);
  }
  // The published schemas contain \a and \v escapes, which JSON.parse rejects (the package does the same).
  return JSON.parse(raw.replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b')) as SchemaObject;
}

const validators = new Map<string, (data: unknown) => string[]>();

/** One readable line per ajv error, naming the JSON path and, where ajv knows it, the offending name. */
function describe(e: ErrorObject): string {
  const where = e.instancePath || '(root)';
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return `${where} has an unknown property "${String(p.additionalProperty)}"`;
  if (e.keyword === 'enum') return `${where} must be one of ${JSON.stringify(p.allowedValues)}`;
  return `${where} ${e.message ?? 'is invalid'}`;
}

async function validatorFor(manifestVersion: string): Promise<(data: unknown) => string[]> {
  const cached = validators.get(manifestVersion);
  if (cached) return cached;
  // The schemas declare draft-04, which ajv 8 does not load; they use no draft-04-only keywords
  // (no boolean exclusiveMaximum, no `id`), so dropping $schema lets ajv's default draft read them.
  const { $schema: _draft, ...schema } = await loadSchema(manifestVersion);
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('uri', (v: string) => URL.canParse(v));
  const validate = ajv.compile(schema);
  const check = (data: unknown): string[] => (validate(data) ? [] : [...new Set((validate.errors ?? []).map(describe))]);
  validators.set(manifestVersion, check);
  return check;
}

/** Every schema violation as a line naming its JSON path; empty when the manifest is valid. */
export async function validateManifest(manifest: unknown): Promise<string[]> {
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) return ['the manifest is not a JSON object'];
  const version = (manifest as { manifestVersion?: unknown }).manifestVersion;
  if (typeof version !== 'string') return ['manifestVersion is missing'];
  return (await validatorFor(version))(manifest);
}

/** Width and height from a PNG's IHDR chunk; throws if the bytes are not a PNG. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  const signature = '89504e470d0a1a0a';
  if (buf.length < 24 || buf.subarray(0, 8).toString('hex') !== signature || buf.subarray(12, 16).toString('latin1') !== 'IHDR') {
    throw new Error('not a PNG file');
  }
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

export type Icons = { color: Uint8Array; outline: Uint8Array };

/** The zip Teams accepts: manifest.json and the two icons at its root. A fixed date keeps the bytes reproducible. */
export async function makeZip(manifest: unknown, icons: Icons): Promise<Buffer> {
  const zip = new JSZip();
  const date = new Date('2025-01-01T00:00:00Z');
  zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`, { date });
  zip.file(ICONS.color.file, icons.color, { date });
  zip.file(ICONS.outline.file, icons.outline, { date });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

/** Reads the template and icons, fills in the ids, validates, and zips; throws with every problem on one line. */
export async function packageTeamsApp(env: Env, dir = MANIFEST_DIR): Promise<{ zip: Buffer; manifest: TeamsManifest; warnings: string[] }> {
  const template = await readFile(join(dir, 'manifest.json'), 'utf8');
  const { manifest, warnings } = buildManifest(template, env);
  const problems = await validateManifest(manifest);
  const icons = { color: await readFile(join(dir, ICONS.color.file)), outline: await readFile(join(dir, ICONS.outline.file)) };
  for (const key of ['color', 'outline'] as const) {
    const { file, size } = ICONS[key];
    try {
      const { width, height } = pngSize(icons[key]);
      if (width !== size || height !== size) problems.push(`${file} is ${width}x${height}, not ${size}x${size}`);
    } catch (e) {
      problems.push(`${file}: ${(e as Error).message}`);
    }
  }
  if (problems.length) throw new Error(`Invalid Teams app package: ${problems.join('; ')}`);
  return { zip: await makeZip(manifest, icons), manifest, warnings };
}
