/** manifest/slack/manifest.yaml and the code agree: every command, shortcut and event the app registers is in the manifest, and nothing else is. */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { parse } from 'yaml';
import { systemClock } from '../../src/app/clock.js';
import { createSlack } from '../../src/slack/slack-app.js';
import { loadDirectoryFile } from '../../src/app/directory-file.js';
import type { CaseFlow } from '../../src/app/case-flow.js';
import type { LiveDirectory } from '../../src/app/live-directory.js';
import type { IntakeSessions } from '../../src/app/intake-sessions.js';
import type { Messenger } from '../../src/app/messenger.js';
import type { Store } from '../../src/app/store.js';
import { MESSAGE_INPUTS } from '../../src/slack/blocks.js';
import { STEP_VERBS } from '../../src/app/steps/index.js';
import { INTAKE_BUTTONS } from '../../src/slack/intake-modals.js';

type Manifest = {
  features: { slash_commands: { command: string; url: string }[]; shortcuts: { callback_id: string }[]; app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean } };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: { is_enabled: boolean; request_url: string } };
};

describe('the Slack manifest', () => {
  const manifest = parse(readFileSync('manifest/slack/manifest.yaml', 'utf8')) as Manifest;

  it('lists exactly the commands, shortcuts and events the code registers, all at /slack/events', async () => {
    const loaded = await loadDirectoryFile('demo/directory.yaml');
    if (!loaded.ok) throw new Error(loaded.errors.join());
    // Registering needs no store or services: they are used only when a request arrives.
    const store = {} as Store;
    const slack = createSlack({ signingSecret: 's', botToken: 'xoxb-test', apiUrl: 'http://127.0.0.1:9/api/' }, { store, log: pino({ level: 'silent' }) });
    slack.listen({ flow: {} as CaseFlow, intake: {} as IntakeSessions, messenger: {} as Messenger, store, directory: loaded.directory, live: {} as LiveDirectory, clock: systemClock });
    const { registered } = slack;
    expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual([...registered.commands].sort());
    expect(manifest.features.shortcuts.map((s) => s.callback_id).sort()).toEqual([...registered.shortcuts].sort());
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual([...registered.events].sort());
    // Every button the views can carry has a handler.
    expect([...registered.actions].sort()).toEqual([...STEP_VERBS, 'intake.start', ...INTAKE_BUTTONS, ...MESSAGE_INPUTS].sort());
    for (const url of [...manifest.features.slash_commands.map((c) => c.url), manifest.settings.event_subscriptions.request_url, manifest.settings.interactivity.request_url]) {
      expect(new URL(url).pathname).toBe('/slack/events');
    }
  });

  it('asks for the scopes the Web API calls need, and turns on what the app uses', () => {
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(['app_mentions:read', 'channels:read', 'chat:write', 'commands', 'groups:read', 'im:history', 'im:write', 'users:read', 'users:read.email']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
  });
});
