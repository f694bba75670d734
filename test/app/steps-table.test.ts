/**
 * The step table held against the code: every domain command a person can take has a step (or is
 * listed, with why, as reached otherwise or not yet); every button on a Teams card and in a Slack
 * message is a step (or is the door's own: the intake walk, the card refresh); every step has a
 * handler on both channels; each step's declared fields and inputs agree.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { pino } from 'pino';
import type { CaseFlow } from '../../src/app/case-flow.js';
import type { CardView } from '../../src/app/case-views.js';
import { systemClock } from '../../src/app/clock.js';
import { loadDirectoryFile } from '../../src/app/directory-file.js';
import type { IntakeSessions } from '../../src/app/intake-sessions.js';
import type { LiveDirectory } from '../../src/app/live-directory.js';
import type { Messenger } from '../../src/app/messenger.js';
import type { Store } from '../../src/app/store.js';
import { NOT_FROM_CHAT, SCHEDULER_ONLY, STEP_VERBS, STEPS, TYPED_OR_WALK } from '../../src/app/steps/index.js';
import { asksInForm, isRequired } from '../../src/app/steps/step.js';
import type { CommandType } from '../../src/domain/escalation/commands.js';
import { messageOf } from '../../src/slack/blocks.js';
import { createSlack } from '../../src/slack/slack-app.js';
import { teamsAdapter, teamsBot } from '../../src/teams/teams-bot.js';

/** Every command type, by name: the type checker refuses this record if a command is added or removed. */
const COMMANDS: Record<CommandType, true> = {
  'open-case': true,
  'record-informal-attempt': true,
  'request-escalation': true,
  'approve-escalation': true,
  'return-escalation': true,
  'resolve-within-agency': true,
  acknowledge: true,
  respond: true,
  'accept-extension': true,
  'decline-extension': true,
  'set-quicker-due': true,
  'mark-deadline-lapsed': true,
  'record-prompt': true,
  'propose-resolution': true,
  'confirm-resolution': true,
  'reject-resolution': true,
  'record-outcome-step': true,
  'choose-binding-route': true,
  'record-binding-decision': true,
  'post-message': true,
  'review-actions': true,
  withdraw: true,
  close: true,
  'record-debrief': true,
  'hand-over': true,
};

/** Buttons a door handles itself, not steps on a case: the intake walk's, and Teams' card refresh. */
const DOOR_VERBS = ['intake.start', 'intake.answer', 'intake.back', 'intake.cancel', 'intake.submit', 'card.refresh'];

type Node = Record<string, unknown>;
function collect(node: unknown, key: string, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) collect(n, key, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node as Node)) {
      if (k === key && typeof v === 'string') out.push(v);
      else collect(v, key, out);
    }
  }
  return out;
}

const cardFiles = readdirSync('cards').filter((f) => f.endsWith('.json'));

describe('the step table', () => {
  it('has a step for every command a person takes from a card, and lists every other command with why', () => {
    const commands = Object.keys(COMMANDS) as CommandType[];
    const fromSteps = STEPS.flatMap((s) => (s.command ? [s.command] : []));
    const listed = [...TYPED_OR_WALK, ...SCHEDULER_ONLY, ...NOT_FROM_CHAT];
    // Each command is reached by a step, or listed, and the lists do not overlap.
    expect(commands.filter((c) => !fromSteps.includes(c) && !listed.includes(c))).toEqual([]);
    expect(new Set(listed).size).toBe(listed.length);
    // Listed as not from chat means no step reaches it; a command a step runs comes off that list.
    expect(NOT_FROM_CHAT.filter((c) => fromSteps.includes(c))).toEqual([]);
    expect(SCHEDULER_ONLY.filter((c) => fromSteps.includes(c) || TYPED_OR_WALK.includes(c))).toEqual([]);
    expect(listed.filter((c) => !commands.includes(c))).toEqual([]);
  });

  it('names each verb once', () => {
    expect(new Set(STEP_VERBS).size).toBe(STEP_VERBS.length);
  });

  it('has a step for every Action.Execute verb on the Teams cards', () => {
    const verbs = new Set(cardFiles.flatMap((f) => collect(JSON.parse(readFileSync(`cards/${f}`, 'utf8')), 'verb')));
    expect([...verbs].filter((v) => !STEP_VERBS.includes(v) && !DOOR_VERBS.includes(v))).toEqual([]);
    // And every step's button is on a card (the steps are not dead rows).
    expect(STEP_VERBS.filter((v) => !verbs.has(v))).toEqual([]);
  });

  it('has a step for every button in the Slack messages of the same views', () => {
    const views = cardFiles
      .map((f) => f.replace(/\.json$/, ''))
      .filter((name) => !name.startsWith('intake-'))
      .map((name) => ({ card: name, data: JSON.parse(readFileSync(`cards/samples/${name}.json`, 'utf8')) as unknown }) as CardView);
    const buttons = new Set(views.flatMap((v) => collect(messageOf(v).blocks, 'action_id')));
    expect(buttons.size).toBeGreaterThan(10);
    expect([...buttons].filter((v) => !STEP_VERBS.includes(v) && !DOOR_VERBS.includes(v) && v !== 'requestedDue')).toEqual([]);
  });

  it('has a handler for every step on Teams and on Slack (a modal view for a step that asks in a form)', async () => {
    const loaded = await loadDirectoryFile('demo/directory.yaml');
    if (!loaded.ok) throw new Error(loaded.errors.join());
    const log = pino({ level: 'silent' });
    const store = {} as Store;
    const { adapter, authConfig } = teamsAdapter({}, log);
    const teams = teamsBot({ adapter, authConfig, boardConfigured: { single: false, boards: {} }, production: false, clock: systemClock, log, store, directory: loaded.directory, live: {} as LiveDirectory, intake: {} as IntakeSessions, flow: {} as CaseFlow, messenger: {} as Messenger });
    expect(STEP_VERBS.filter((v) => !teams.verbs.has(v))).toEqual([]);

    const slack = createSlack({ signingSecret: 's', botToken: 'xoxb-test', apiUrl: 'http://127.0.0.1:9/api/' }, { store, log });
    slack.listen({ flow: {} as CaseFlow, intake: {} as IntakeSessions, messenger: {} as Messenger, store, directory: loaded.directory, live: {} as LiveDirectory, clock: systemClock });
    expect(STEP_VERBS.filter((v) => !slack.registered.actions.includes(v))).toEqual([]);
    expect(STEPS.filter(asksInForm).map((s) => s.verb).filter((v) => !slack.registered.views.includes(v))).toEqual([]);
  });

  it.each(STEPS.map((step) => ({ verb: step.verb, step })))('$verb: declares a field for each input, a form when it asks for one, and what it is', ({ step }) => {
    const names = Object.keys(step.inputs.shape);
    expect(step.fields.map((f) => f.name).sort()).toEqual([...names].sort());
    if (asksInForm(step)) expect(step.form).toBeDefined();
    else expect(step.form).toBeUndefined();
    expect(step.who.length).toBeGreaterThan(10);
    // A required input is refused when left out, with a sentence, not a schema's jargon.
    for (const name of names.filter((n) => isRequired(step, n))) {
      const parsed = step.inputs.safeParse({});
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.find((i) => i.path[0] === name)?.message).toMatch(/^[A-Z][^]*\.$/);
    }
  });
});
