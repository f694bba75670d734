/**
 * Whole-procedure drives: a case under one built-in procedure, run over the Teams door from the
 * intake walk to the last stage, with the people of the demo directory (the partnership's
 * procedure set to the one driven). Each step is taken by the person the case says it is for
 * (the approver, raiser or receiver the app chose), found in the directory by their Teams id.
 */
import { expect } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { FakeClock } from '../../src/app/clock.js';
import type { CaseState } from '../../src/domain/escalation/state.js';
import { defaultRoute } from '../../src/domain/policy/routes.js';
import type { teamsHarness} from '../teams/support.js';
import { cardText, verbs, walkToSummary, type Card } from '../teams/support.js';

export type Harness = Awaited<ReturnType<typeof teamsHarness>>;

/** The demo directory with the partnership running `policyId` (a DIRECTORY_FILE). */
export function directoryFor(policyId: string, change?: (directory: { partnership: { policyId: string }; people: { id: string; identities?: Record<string, unknown> }[] }) => void): string {
  const directory = parse(readFileSync('demo/directory.yaml', 'utf8')) as { partnership: { policyId: string }; people: { id: string; identities?: Record<string, unknown> }[] };
  directory.partnership.policyId = policyId;
  change?.(directory);
  const file = join(mkdtempSync(join(tmpdir(), `resolve-flow-${policyId}-`)), 'directory.yaml');
  writeFileSync(file, stringify(directory));
  return file;
}

/** A drive of one case: who is who, what each person received, and the steps they take. */
export class Drive {
  ref = '';
  constructor(
    readonly h: Harness,
    readonly clock: FakeClock,
  ) {}

  /**
   * Everyone in the directory with a Teams identity says hello, so the bot can reach them (but
   * `except`, who talk to it from elsewhere, e.g. the Agents Playground).
   */
  async greetEveryone(except: string[] = []) {
    for (const p of this.h.app.directory.people) {
      const aad = p.identities.teams?.aadObjectId;
      if (aad && !except.includes(p.id)) await this.h.say('hello', aad);
    }
  }

  aadOf(personId: string): string {
    const aad = this.h.app.directory.people.find((p) => p.id === personId)?.identities.teams?.aadObjectId;
    if (!aad) throw new Error(`${personId} has no Teams identity`);
    return aad;
  }

  async state(): Promise<CaseState> {
    return (await this.h.app.cases.load(this.ref))!;
  }

  async events(): Promise<string[]> {
    return (await this.h.app.store.load(this.ref)).map((e) => e.event.type);
  }

  mark() {
    return this.h.sent.length;
  }

  /** The cards sent to a person (in their own chat) since `from`. */
  cardsTo(personId: string, from: number): Card[] {
    const aad = this.aadOf(personId);
    return this.h.sent.slice(from).filter((s) => s.path.includes(`personal-${aad}`)).flatMap((s) => (s.body.attachments ?? []).map((a) => a.content));
  }

  /** The one card sent to a person since `from` with a button of this verb. */
  cardWith(personId: string, verb: string, from: number): Card {
    const cards = this.cardsTo(personId, from).filter((c) => verbs(c).includes(verb));
    if (cards.length !== 1) throw new Error(`${personId} got ${cards.length} cards with ${verb}; got ${JSON.stringify(this.cardsTo(personId, from).map(verbs))}`);
    return cards[0]!;
  }

  textsTo(personId: string, from: number): string[] {
    const aad = this.aadOf(personId);
    return this.h.sent.slice(from).filter((s) => s.path.includes(`personal-${aad}`) && s.body.text).map((s) => s.body.text!);
  }

  click(verb: string, data: Record<string, unknown>, personId: string): Promise<Card> {
    return this.h.click(verb, { caseRef: this.ref, ...data }, this.aadOf(personId));
  }

  say(text: string, personId: string) {
    return this.h.say(text, this.aadOf(personId));
  }

  /** The practitioner walks the intake and submits it; returns the case reference. */
  async open(practitionerId: string): Promise<string> {
    const aad = this.aadOf(practitionerId);
    await walkToSummary(this.h, aad);
    const [title] = cardText(await this.h.click('intake.submit', {}, aad));
    this.ref = /^Case (RES-\d{4}-\d{4}) is recorded$/.exec(title!)![1]!;
    return this.ref;
  }

  /** Whoever the case waits on approves, until stage `n` is open (a referral "via" someone may take two). */
  async approveUntilOpen(n: number) {
    for (let i = 0; i < 3 && (await this.state()).phase === 'awaiting-approval'; i++) {
      const pending = (await this.state()).pendingEscalation!;
      expect(pending.toStage).toBe(n);
      const card = await this.click('escalation.approve', { stage: n }, pending.approver!.personId);
      expect(cardText(card)[1]).toMatch(/^Approved: Stage \d raised with /);
    }
    const s = await this.state();
    expect(s).toMatchObject({ phase: 'stage-open', current: { number: n } });
    return s.current!;
  }

  /** The receiver acknowledges where the stage asks for it, then disagrees; the raiser and practitioner hear. */
  async disagree() {
    const s = await this.state();
    const cur = s.current!;
    const stage = s.policy.stages[cur.number - 1]!;
    if (stage.acknowledgement && !cur.acknowledged) await this.click('stage.acknowledge', {}, cur.receiver.personId);
    const from = this.mark();
    const card = await this.click('stage.respond', { position: 'disagree', rationale: `Not agreed at Stage ${cur.number}.` }, cur.receiver.personId);
    expect(cardText(card)[1]).toBe('Responded: disagreed');
    expect(this.textsTo(cur.raiser.personId, from)).toEqual([expect.stringContaining(`disagreed at Stage ${cur.number}: "Not agreed at Stage ${cur.number}."`)]);
  }

  /** The stage's raiser asks for the next stage by typing `escalate <ref>`. */
  async escalate() {
    const s = await this.state();
    const raiser = s.current!.raiser.personId;
    const from = this.mark();
    await this.say(`escalate ${this.ref} Still not resolved.`, raiser);
    expect(this.textsTo(raiser, from)).toEqual([expect.stringMatching(new RegExp(`^${this.ref}: (I have asked .+ to approve raising Stage ${s.current!.number + 1}|Stage ${s.current!.number + 1} is open with )`))]);
  }

  /** Runs every job of the case due by the fake clock's now. */
  async runDueJobs() {
    const now = this.clock.now().toISOString();
    const due = (await this.h.app.queue.jobsOf(this.ref)).filter((j) => j.state === 'scheduled' && j.runAt <= now);
    for (const job of due) await this.h.app.jobs.run(job);
    return due.map((j) => j.name);
  }
}

/**
 * The last stage a case reaches when nobody takes a conditional route: the default routes followed
 * from Stage 1 (Sefton's Stage 5, on a condition only, is not among them).
 */
export function lastStageOf(state: CaseState): number {
  let stage = 1;
  for (let next = defaultRoute(state.policy, stage, state.intake.areaId); next; next = defaultRoute(state.policy, stage, state.intake.areaId)) stage = next.to;
  return stage;
}
