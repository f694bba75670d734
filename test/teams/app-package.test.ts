import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import JSZip from 'jszip';
import {
  buildManifest,
  DEFAULT_TEAMS_APP_ID,
  MANIFEST_DIR,
  makeZip,
  packageTeamsApp,
  PLACEHOLDER_BOT_ID,
  pngSize,
  validateManifest,
} from '../../src/teams/app-package.js';

const BOT = '11111111-2222-3333-4444-555555555555';
const template = (): Promise<string> => readFile(join(MANIFEST_DIR, 'manifest.json'), 'utf8');
const icon = (name: string): Promise<Buffer> => readFile(join(MANIFEST_DIR, name));

/** RGBA pixels of an 8-bit RGBA, non-interlaced PNG whose rows all use filter 0 (as the committed icons do). */
function rgbaPixels(png: Buffer): Uint8Array[] {
  const { width, height } = pngSize(png);
  expect([png[24], png[25], png[28]]).toEqual([8, 6, 0]); // bit depth 8, colour type RGBA, no interlace
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4 + 1;
  expect(raw.length).toBe(stride * height);
  const pixels: Uint8Array[] = [];
  for (let y = 0; y < height; y++) {
    expect(raw[y * stride]).toBe(0);
    for (let x = 0; x < width; x++) pixels.push(raw.subarray(y * stride + 1 + x * 4, y * stride + 5 + x * 4));
  }
  return pixels;
}

describe('Teams app package', () => {
  it('fills in the ids and validates against the bundled v1.30 schema, offline', async () => {
    const { manifest, warnings } = buildManifest(await template(), { BOT_ID: BOT, TEAMS_APP_ID: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' });
    expect(manifest.manifestVersion).toBe('1.30');
    expect(manifest.id).toBe('aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee');
    expect(manifest.bots?.[0]?.botId).toBe(BOT);
    expect(warnings).toEqual([]);
    expect(await validateManifest(manifest)).toEqual([]);
  });

  it('takes the bot id from BOT_ID, then MICROSOFT_APP_ID, then clientId, else a placeholder with a warning', async () => {
    const t = await template();
    const botId = (env: Record<string, string>) => buildManifest(t, env).manifest.bots?.[0]?.botId;
    expect(botId({ BOT_ID: BOT, MICROSOFT_APP_ID: 'x', clientId: 'y' })).toBe(BOT);
    expect(botId({ MICROSOFT_APP_ID: BOT, clientId: 'y' })).toBe(BOT);
    expect(botId({ clientId: BOT, BOT_ID: ' ' })).toBe(BOT);
    const none = buildManifest(t, {});
    expect(none.manifest.bots?.[0]?.botId).toBe(PLACEHOLDER_BOT_ID);
    expect(none.manifest.id).toBe(DEFAULT_TEAMS_APP_ID);
    expect(none.warnings).toEqual([expect.stringContaining('BOT_ID')]);
    expect(await validateManifest(none.manifest)).toEqual([]);
  });

  it('has the bot in personal and team scope with the five personal commands', async () => {
    const { manifest } = buildManifest(await template(), { BOT_ID: BOT });
    // Narrowing to 1.30 picks that version's Bot type (older ones lack supportsFiles).
    const bot = manifest.manifestVersion === '1.30' ? manifest.bots?.[0] : undefined;
    expect(bot?.scopes).toEqual(['personal', 'team']);
    expect(bot?.supportsFiles).toBe(false);
    const personal = bot?.commandLists?.find((l) => l.scopes.includes('personal'));
    expect(personal?.commands.map((c) => c.title)).toEqual(['help', 'escalate', 'my cases', 'status', 'withdraw']);
    for (const c of personal?.commands ?? []) expect(c.description).toBeTruthy();
  });

  it('refuses a manifest with a broken field, naming the field', async () => {
    const { manifest } = buildManifest(await template(), { BOT_ID: BOT });
    const broken = JSON.parse(JSON.stringify(manifest)) as typeof manifest;
    delete (broken.bots?.[0] as { botId?: string }).botId;
    broken.accentColor = 'blue';
    const problems = await validateManifest(broken);
    expect(problems).toEqual(expect.arrayContaining(["/bots/0 must have required property 'botId'", expect.stringMatching(/^\/accentColor must match pattern/)]));
    expect(await validateManifest({ ...manifest, colour: 'red' })).toEqual(['(root) has an unknown property "colour"']);
    expect(await validateManifest(buildManifest(await template(), { BOT_ID: 'not-a-guid' }).manifest)).toEqual([expect.stringMatching(/^\/bots\/0\/botId must match pattern/)]);
  });

  it('refuses a template placeholder it has no value for', () => {
    expect(() => buildManifest('{"id": "${{NOPE}}"}', {})).toThrow('manifest.json has placeholders with no value: ${{NOPE}}');
  });

  it('has a 192x192 colour icon and a 32x32 outline icon that is only white or transparent', async () => {
    const color = await icon('color.png');
    const outline = await icon('outline.png');
    expect(pngSize(color)).toEqual({ width: 192, height: 192 });
    expect(pngSize(outline)).toEqual({ width: 32, height: 32 });
    expect(rgbaPixels(color)).toHaveLength(192 * 192);
    const pixels = rgbaPixels(outline);
    const offWhite = pixels.filter(([r, g, b, a]) => a !== 0 && (r !== 255 || g !== 255 || b !== 255));
    expect(offWhite).toHaveLength(0);
    expect(pixels.some((p) => p[3] === 255)).toBe(true);
    expect(() => pngSize(Buffer.from('not a png at all, not at all'))).toThrow('not a PNG file');
  });

  it('zips exactly manifest.json, color.png and outline.png at the root', async () => {
    const { zip, manifest } = await packageTeamsApp({ BOT_ID: BOT });
    const files = await JSZip.loadAsync(zip);
    expect(Object.keys(files.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const inZip = JSON.parse(await files.file('manifest.json')!.async('string')) as typeof manifest;
    expect(inZip).toEqual(manifest);
    expect(inZip.bots?.[0]?.botId).toBe(BOT);
    expect(await files.file('color.png')!.async('nodebuffer')).toEqual(await icon('color.png'));
    expect(await files.file('outline.png')!.async('nodebuffer')).toEqual(await icon('outline.png'));
    // Same inputs, same bytes: the entries carry a fixed date.
    expect(await makeZip(manifest, { color: await icon('color.png'), outline: await icon('outline.png') })).toEqual(zip);
  });

  it('refuses to package an invalid manifest with one line listing the problems', async () => {
    await expect(packageTeamsApp({ BOT_ID: 'nope' })).rejects.toThrow(/^Invalid Teams app package: \/bots\/0\/botId must match pattern/);
  });
});
