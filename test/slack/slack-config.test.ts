/** Slack's settings: on with both the signing secret and the bot token, refused with one line when half set or mistyped. */
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config.js';

describe('Slack settings', () => {
  it('turns Slack on only with both the signing secret and the bot token', () => {
    const both = loadConfig({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(both.ok && [both.config.SLACK_SIGNING_SECRET, both.config.SLACK_BOT_TOKEN]).toEqual(['s', 'xoxb-1']);
    expect(loadConfig({}).ok).toBe(true);
    for (const half of [{ SLACK_SIGNING_SECRET: 's' }, { SLACK_BOT_TOKEN: 'xoxb-1' }]) {
      expect(loadConfig(half)).toEqual({ ok: false, message: expect.stringContaining('Slack needs both SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN') });
    }
  });

  it('says which token is the wrong kind', () => {
    expect(loadConfig({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xapp-1' })).toEqual({ ok: false, message: 'Setting SLACK_BOT_TOKEN is not valid: must be a bot token (xoxb-...)' });
    expect(loadConfig({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-2' })).toEqual({ ok: false, message: 'Setting SLACK_APP_TOKEN is not valid: must be an app-level token (xapp-...)' });
  });
});
