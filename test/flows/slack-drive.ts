/**
 * Whole-procedure drives over the Slack door: signed requests to /slack/events (buttons on DM
 * messages, modals submitted), the Web API calls caught by the recording server. Everyone in the
 * demo directory is on Slack only here (user id `U` + their directory id, upper-cased), so every
 * card and line of news reaches them as a DM message.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { FakeClock } from '../../src/app/clock.js';
import type { CaseState } from '../../src/domain/escalation/state.js';
import type { SlackApiCall, StateValues } from '../slack/support-slack-api.js';
import { dateState, radioState, selectState, textState } from '../slack/support-slack-api.js';
import type { slackHarness } from '../slack/support.js';

export type SlackH = Awaited<ReturnType<typeof slackHarness>>;
export const slackIdOf = (personId: string) => `U${personId.replace(/[^a-z0-9]/gi, '').toUpperCase()}`;

/** The demo directory running `policyId`, with everyone on Slack only (a DIRECTORY_FILE). */
export function slackDirectoryFor(policyId: string): string {
  const directory = parse(readFileSync('demo/directory.yaml', 'utf8')) as { partnership: { policyId: string }; people: { id: string; identities?: Record<string, unknown> }[] };
  directory.partnership.policyId = policyId;
  for (const p of directory.people) p.identities = { slack: { teamId: 'T0DEMO', userId: slackIdOf(p.id) } };
  const file = join(mkdtempSync(join(tmpdir(), `resolve-flow-slack-${policyId}-`)), 'directory.yaml');
  writeFileSync(file, stringify(directory));
  return file;
}

type Block = { type: string; block_id?: string; element?: { type: string }; elements?: { action_id?: string }[] };
type Message = { channel: string; ts: string; text: string; blocks?: Block[] };
type View = { callback_id: string; private_metadata: string; blocks: Block[] };

export class SlackDrive {
  ref = '';
  constructor(
    readonly h: SlackH,
    readonly clock: FakeClock,
  ) {}

  async state(): Promise<CaseState> {
    return (await this.h.teams.app.cases.load(this.ref))!;
  }

  async events(): Promise<string[]> {
    return (await this.h.teams.app.store.load(this.ref)).map((e) => e.event.type);
  }

  mark() {
    return this.h.api.calls.length;
  }

  /** The DM messages to a person since `from` (calls index). */
  messagesSince(personId: string, from: number): Message[] {
    const channel = `D${slackIdOf(personId)}`;
    return this.h.api.calls.slice(from).flatMap((c: SlackApiCall) => (c.method === 'chat.postMessage' && (c.params as Message).channel === channel ? [{ ...(c.params as Message), ts: String(c.response.ts) }] : []));
  }

  textsSince(personId: string, from: number): string[] {
    return this.messagesSince(personId, from).map((m) => m.text);
  }

  /**
   * The newest DM message to a person, posted or replaced (chat.update: a card that became the
   * next step's) since `from`, that now has a button for this verb.
   */
  messageWith(personId: string, verb: string, from = 0): Message {
    const channel = `D${slackIdOf(personId)}`;
    const current = new Map<string, Message & { i: number }>();
    this.h.api.calls.forEach((c: SlackApiCall, i) => {
      const p = c.params as Message;
      if (p.channel !== channel) return;
      if (c.method === 'chat.postMessage') current.set(String(c.response.ts), { ...p, ts: String(c.response.ts), i });
      if (c.method === 'chat.update' && current.has(p.ts)) current.set(p.ts, { ...current.get(p.ts)!, blocks: p.blocks ?? [], text: p.text, i });
    });
    const m = [...current.values()]
      .filter((x) => x.i >= from && (x.blocks ?? []).some((b) => (b.elements ?? []).some((e) => e.action_id === verb)))
      .sort((x, y) => x.i - y.i)
      .pop();
    if (!m) throw new Error(`no message to ${personId} with a ${verb} button since ${from}; got ${JSON.stringify(this.messagesSince(personId, from).map((x) => x.text))}`);
    return m;
  }

  /**
   * A person clicks the `verb` button on their newest message that has it; where the step asks in
   * a modal, the modal opened is filled with `inputs` and submitted. Waits until the message is
   * replaced (the step taken) or, with `refused`, until an answer is posted to them instead;
   * returns what the message became, or that answer.
   */
  async act(personId: string, verb: string, inputs: Record<string, string> = {}, from = 0, refused = false): Promise<{ ok: boolean; text: string }> {
    const user = slackIdOf(personId);
    const message = this.messageWith(personId, verb, from);
    const start = this.mark();
    const replaced = (c: SlackApiCall) => c.method === 'chat.update' && (c.params as Message).ts === message.ts;
    const answered = (c: SlackApiCall) => refused && c.method === 'chat.postMessage' && (c.params as Message).channel === `D${user}`;
    const settled = (since: SlackApiCall[]) => since.some((c) => c.method === 'views.open' || replaced(c) || answered(c));
    await this.h.click(user, verb, message, this.ref, settled);
    const opened = this.h.api.calls.slice(start).find((c) => c.method === 'views.open');
    if (opened) {
      const view = opened.params.view as View;
      if (view.callback_id !== verb) throw new Error(`${verb} opened ${view.callback_id}: ${JSON.stringify(view.blocks)}`);
      const submitted = this.mark();
      await this.h.submit(user, verb, view.private_metadata, stateOf(view, inputs), (since) => since.some((c) => replaced(c) || answered(c)));
      return this.outcome(submitted, message, user);
    }
    return this.outcome(start, message, user);
  }

  private outcome(from: number, message: Message, user: string) {
    const since = this.h.api.calls.slice(from);
    const updated = since.find((c) => c.method === 'chat.update' && (c.params as Message).ts === message.ts);
    if (updated) return { ok: true, text: JSON.stringify((updated.params as Message).blocks ?? (updated.params as Message).text) };
    const posted = since.filter((c) => c.method === 'chat.postMessage' && (c.params as Message).channel === `D${user}`).at(-1)!;
    return { ok: false, text: `${(posted.params as Message).text} ${JSON.stringify((posted.params as Message).blocks ?? [])}` };
  }

  /** A person types in their DM with the bot; waits for a message back to them that matches `answer`. */
  async dm(personId: string, text: string, answer: RegExp): Promise<string> {
    const from = this.mark();
    const user = slackIdOf(personId);
    await this.h.dm(user, text, undefined, () => this.textsSince(personId, from).some((t) => answer.test(t)));
    return this.textsSince(personId, from).find((t) => answer.test(t))!;
  }

  /** Runs every job of the case due by the fake clock's now; waits for what they post. */
  async runDueJobs(): Promise<string[]> {
    const now = this.clock.now().toISOString();
    const due = (await this.h.teams.app.queue.jobsOf(this.ref)).filter((j) => j.state === 'scheduled' && j.runAt <= now);
    for (const job of due) await this.h.teams.app.jobs.run(job);
    return due.map((j) => j.name);
  }
}

/** A modal's state.values for these inputs, each as the block's own element reports it. */
function stateOf(view: View, inputs: Record<string, string>): StateValues {
  let out: StateValues = {};
  for (const [name, value] of Object.entries(inputs)) {
    const block = view.blocks.find((b) => b.block_id === name);
    if (!block?.element) throw new Error(`the ${view.callback_id} modal has no input ${name}: ${JSON.stringify(view.blocks.map((b) => b.block_id))}`);
    const type = block.element.type;
    const s: StateValues =
      type === 'plain_text_input' ? textState(name, name, value)
      : type === 'radio_buttons' ? radioState(name, name, value)
      : type === 'static_select' ? selectState(name, name, value)
      : type === 'datepicker' ? dateState(name, name, value)
      : type === 'timepicker' ? { [name]: { [name]: { type, selected_time: value } } }
      : type === 'multi_static_select' ? { [name]: { [name]: { type, selected_options: value.split(',').map((v) => ({ value: v, text: { type: 'plain_text', text: v } })) } } }
      : (() => {
          throw new Error(`unknown element ${type}`);
        })();
    out = { ...out, ...s };
  }
  return out;
}
