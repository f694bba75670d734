/**
 * An SDK's HTTP error carries the request it tried to send; the app's log must keep what went
 * wrong and drop what was being said (found reading the Teams and Slack send paths).
 */
import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { appLog } from '../../src/start-app.js';

const SAID = 'Concern about the decision not to hold a strategy meeting';

function logged(err: unknown): string {
  const lines: string[] = [];
  const log = appLog('info', new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }));
  log.error({ err }, 'a message could not be sent');
  return lines.join('');
}

describe('errors in the log', () => {
  it('keep the type, message, status and stack of an HTTP error, never the request or response it carries', () => {
    // The shape of an axios error (under the Agents SDK's connector client and Slack's Web API client).
    class AxiosError extends Error {}
    const config = { url: 'https://smba.example/v3/conversations/a/activities', method: 'post', data: JSON.stringify({ text: SAID }) };
    const err = Object.assign(new AxiosError('Request failed with status code 403'), {
      code: 'ERR_BAD_REQUEST',
      config,
      request: { body: SAID },
      response: { status: 403, statusText: 'Forbidden', data: { echoed: SAID }, config },
    });
    const line = JSON.parse(logged(err)) as { err: Record<string, unknown> };
    expect(line.err).toMatchObject({ type: 'AxiosError', message: 'Request failed with status code 403', code: 'ERR_BAD_REQUEST', status: 403 });
    expect(typeof line.err.stack).toBe('string');
    expect(JSON.stringify(line)).not.toContain(SAID);
    expect(Object.keys(line.err).sort()).toEqual(['code', 'message', 'stack', 'status', 'type']);
  });

  it('drop any property an error was given, and name a thrown non-error by its type without printing it', () => {
    const err = Object.assign(new Error('send failed'), { activity: { text: SAID } });
    expect(logged(err)).not.toContain(SAID);
    expect(logged(SAID)).not.toContain(SAID);
    expect(JSON.parse(logged({ text: SAID })).err).toEqual({ type: 'object', message: 'not an Error' });
  });
});
