/** `steps [--json]`: the step table as the CLI lists it, from the table itself. */
import { describe, expect, it } from '@jest/globals';
import { NOT_FROM_CHAT, STEP_VERBS } from '../../src/app/steps/index.js';
import type { StepRow } from '../../src/app/steps/listing.js';
import { cli } from '../support/cli.js';

describe('steps', () => {
  it('lists each step with its command, inputs, who may take it and how each door offers it', async () => {
    const { code, out } = await cli('steps');
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines).toContain('stage.respond  runs respond');
    expect(lines).toContain('  inputs: position, rationale (optional), proposedDate (optional)');
    expect(lines).toContain('  Teams: a button on the response card; Slack: a button that opens a form');
    expect(lines).toContain('lapse.chase  records nothing');
    expect(lines.filter((l) => /^\S/.test(l) && !l.startsWith('Not a step')).map((l) => l.split(' ')[0])).toEqual([...STEP_VERBS]);
    expect(out).toContain(`Not a step in chat: ${NOT_FROM_CHAT.join(', ')}.`);
  });

  it('gives the same as JSON', async () => {
    const { code, out } = await cli('steps', '--json');
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as { steps: StepRow[]; notFromChat: string[] };
    expect(parsed.steps.map((s) => s.verb)).toEqual([...STEP_VERBS]);
    expect(parsed.steps.find((s) => s.verb === 'escalation.return')).toMatchObject({ command: 'return-escalation', inputs: [{ name: 'comment', required: true }], card: 'approval' });
    expect(parsed.steps.find((s) => s.verb === 'escalation.approve')?.channels.slack).toBe('a button, with its inputs picked in the message');
    expect(parsed.notFromChat).toEqual([...NOT_FROM_CHAT]);
  });

  it('refuses an option it does not know, with the usage', async () => {
    const { code, err } = await cli('steps', '--yaml');
    expect(code).toBe(2);
    expect(err).toContain('steps [--json]');
  });
});
