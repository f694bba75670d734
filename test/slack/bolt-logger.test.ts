/** Bolt's and the WebClient's logging keeps no request bodies or message text, at any level. */
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { boltLogger } from '../../src/slack/slack-app.js';

describe('the logger given to Bolt and the WebClient', () => {
  it('drops debug lines, leaves objects out and keeps an error’s message', () => {
    const lines: string[] = [];
    const log = pino({ level: 'trace' }, new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }));
    const logger = boltLogger(log);
    logger.setLevel('debug' as never);
    logger.debug('http request body', { text: 'CANARY child name' });
    logger.info('request', { blocks: [{ text: 'CANARY' }] });
    logger.warn('failed', new Error('channel_not_found'));
    logger.error({ payload: 'CANARY' });
    expect(lines.join('')).not.toContain('CANARY');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['request [details left out]', 'failed channel_not_found', '[details left out]']);
  });
});
