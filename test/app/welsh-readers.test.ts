/**
 * Each message in its reader's language, below the doors: a policy read in Welsh (`inLanguage`),
 * the views made from the case as a reader reads it, the Messenger making each message for the
 * person it delivers to, the Board channel's language, and a scheduled prompt (the lapse card).
 * The Teams and Slack end of it is test/flows/welsh.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { CaseFlow } from '../../src/app/case-flow.js';
import { boardNoticeView, lapseView, responseView, type CardView } from '../../src/app/case-views.js';
import type { Cases } from '../../src/app/cases.js';
import { FakeClock } from '../../src/app/clock.js';
import type { Escalations } from '../../src/app/escalations.js';
import type { IntakeSessions } from '../../src/app/intake-sessions.js';
import { routeMessages, type Channel, type Outgoing } from '../../src/app/messenger.js';
import { debriefView } from '../../src/app/outcome-views.js';
import { forReaders, readIn } from '../../src/app/reader.js';
import type { Store } from '../../src/app/store.js';
import { Directory } from '../../src/domain/directory.js';
import { inLanguage } from '../../src/domain/policy/language.js';
import { Policy, type Language } from '../../src/domain/policy/schema.js';
import { CaseDriver } from '../support/case-driver.js';
import { escalateTo, openCaseCommand } from '../support/walk.js';
import { W, welshPolicy } from '../policies/welsh-policy.js';

const policy = () => Policy.parse(welshPolicy());
/** Without its words: what a policy's rules are, whatever the language. */
const rules = (p: Policy) => JSON.parse(JSON.stringify(p, (k, v: unknown) => (['cy', 'name', 'label', 'note', 'why', 'text', 'condition', 'summary', 'question', 'guidance', 'description', 'heading', 'questions'].includes(k) ? undefined : v))) as unknown;

function stageOne(p = policy(), localAreaId?: string): CaseDriver {
  const d = new CaseDriver(new Date('2026-11-23T10:00:00Z'));
  const open = openCaseCommand(p);
  d.do({ ...open, intake: { ...open.intake, ...(localAreaId ? { localAreaId } : {}) } });
  escalateTo(d, p, 1);
  return d;
}

describe('a policy read in Welsh', () => {
  it('has the Welsh where given, the English where not, and the same rules', () => {
    const p = policy();
    const cy = inLanguage(p, 'cy');
    expect(cy.name).toBe(W.name.cy);
    expect(cy.stages.map((s) => s.name)).toEqual([W.stage1.cy, W.stage2.cy, W.stage3.en, p.stages[3]!.name]);
    expect(cy.stages[0]!.response).toMatchObject({ kind: 'none', note: W.note.cy });
    expect(cy.areasOfDisagreement.map((a) => a.label)).toEqual([W.thresholds.cy, ...p.areasOfDisagreement.slice(1).map((a) => a.label)]);
    const route = cy.stages[0]!.outcomes.find((o) => o.condition)!;
    expect([route.label, route.condition]).toEqual([W.route.en, W.condition.cy]);
    expect(JSON.stringify(cy)).not.toContain('"cy"');
    expect(rules(cy)).toEqual(rules(p));
  });

  it('is made once per policy, and read again in English is the policy as pinned', () => {
    const p = policy();
    expect(inLanguage(p, 'en')).toBe(p);
    expect(inLanguage(p, 'cy')).toBe(inLanguage(p, 'cy'));
    expect(inLanguage(inLanguage(p, 'cy'), 'en')).toBe(p);
    // A case's state read by an English reader is the state itself: nothing is copied for them.
    const d = stageOne(p);
    expect(readIn(d.s, 'en')).toBe(d.s);
  });
});

describe('the views, made from the case as each reader reads it', () => {
  it('the lapse suggestion: the next stage and the conditional route in the reader’s words', () => {
    const d = stageOne();
    const lapse = (lang: Language) => forReaders(d.s, (s) => lapseView(s, 2))(lang);
    const cy = lapse('cy');
    const en = lapse('en');
    expect(cy.card === 'lapse' && cy.data.nextWho).toBe(W.stage2.cy);
    expect(cy.card === 'lapse' && cy.data.otherRoutes[0]).toContain(`${W.route.en} (Stage 3), where: ${W.condition.cy}`);
    expect(en.card === 'lapse' && en.data.nextWho).toBe(W.stage2.en);
    expect(en.card === 'lapse' && en.data.otherRoutes[0]).toContain(W.condition.en);
  });

  it('the response card’s stage and no-fixed-time words, and the debrief’s guidance', () => {
    const d = stageOne();
    const response = responseView(readIn(d.s, 'cy'), []);
    expect(response.card === 'response' && [response.data.stageName, response.data.due]).toEqual([W.stage1.cy, W.note.cy]);
    const closed = { ...d.s, phase: 'closed' as const, closedAt: d.now.toISOString(), outcome: 'resolved' as const };
    const debrief = (lang: Language) => debriefView(readIn(closed, lang));
    expect(debrief('cy')?.card === 'debrief' && debrief('cy')!.data).toMatchObject({ learningNote: W.learning.cy });
    expect(debrief('en')?.card === 'debrief' && debrief('en')!.data).toMatchObject({ learningNote: W.learning.en });
  });

  it('the Board notice names the child’s local area in the procedure’s words', () => {
    const input = welshPolicy();
    input.localAreas = [
      { id: 'north', name: 'North', source: 'test', cy: { name: 'Gogledd' } },
      { id: 'south', name: 'South', source: 'test' },
    ];
    const d = stageOne(Policy.parse(input), 'north');
    const area = (lang: Language) => {
      const v = boardNoticeView(readIn(d.s, lang), d.now);
      return v.card === 'board-notice' ? v.data.monitoring.filter((m) => m.label === "Child's local area" || m.label === 'Area of disagreement').map((m) => m.value) : [];
    };
    expect(area('cy')).toEqual([W.thresholds.cy, 'Gogledd']);
    expect(area('en')).toEqual([W.thresholds.en, 'North']);
  });
});

describe('the Messenger makes each message for its reader', () => {
  const directory = Directory.parse({
    partnership: { id: 'p', name: 'Test partnership', policyId: 'bscb-cy-test' },
    agencies: [{ id: 'board', name: 'Test Board', kind: 'partnership' }, { id: 'police', name: 'County Police', kind: 'police' }],
    people: [
      { id: 'nia', name: 'Nia Jones', agencyId: 'board', roles: ['board-business-manager'], language: 'cy' },
      { id: 'tom', name: 'Tom Hart', agencyId: 'board', roles: ['board-business-manager'] },
    ],
  });
  const log = pino({ level: 'silent' });
  function recording() {
    const sent: { to: string; message: Outgoing }[] = [];
    const board: CardView[] = [];
    const channel: Channel = {
      name: 'Teams',
      canReach: async () => true,
      send: async (person, message) => (sent.push({ to: person.id, message }), true),
      postToBoard: async (view) => (board.push(view), 'posted'),
    };
    return { sent, board, channel };
  }
  const areaOf = (v: CardView | undefined) => (v?.card === 'board-notice' ? v.data.areas[0] : undefined);

  it('one card from one case: in Welsh for Nia, in English for Tom', async () => {
    const { sent, channel } = recording();
    const messenger = routeMessages({ channels: [channel], directory, store: { putDocument: async () => ({ ok: true }), getDocument: async () => null } as unknown as Store, log });
    const d = stageOne();
    for (const to of ['nia', 'tom']) await messenger.send(to, { view: forReaders(d.s, (s) => lapseView(s, 2)), caseRef: 'RES-1' });
    const nextWho = (to: string) => sent.filter((s) => s.to === to).map((s) => ('view' in s.message && s.message.view.card === 'lapse' ? s.message.view.data.nextWho : null));
    expect(nextWho('nia')).toEqual([W.stage2.cy]);
    expect(nextWho('tom')).toEqual([W.stage2.en]);
    // Plain words are sent as they are.
    await messenger.send('nia', { text: 'Hello' });
    expect(sent.at(-1)!.message).toEqual({ text: 'Hello' });
  });

  it('the Board channel’s notice: English unless BOARD_LANGUAGE says Welsh', async () => {
    const d = stageOne();
    const notice = forReaders(d.s, (s) => boardNoticeView(s, d.now));
    for (const [boardLanguage, area] of [[undefined, W.thresholds.en], ['en', W.thresholds.en], ['cy', W.thresholds.cy]] as const) {
      const { board, channel } = recording();
      const messenger = routeMessages({ channels: [channel], directory, store: {} as Store, log, ...(boardLanguage ? { boardLanguage } : {}) });
      await messenger.postToBoard(notice, 'RES-1');
      expect(areaOf(board[0])).toBe(area);
    }
  });

  it('a scheduled prompt (the lapse card) reaches each person in their language', async () => {
    const { sent, channel } = recording();
    const messenger = routeMessages({ channels: [channel], directory, store: { putDocument: async () => ({ ok: true }), getDocument: async () => null } as unknown as Store, log });
    const flow = new CaseFlow({ store: {} as Store, cases: {} as Cases, directory, intake: {} as IntakeSessions, escalations: {} as Escalations, clock: new FakeClock(new Date('2026-11-24T10:00:00Z')), messenger });
    const d = stageOne();
    for (const [id, name] of [['nia', 'Nia Jones'], ['tom', 'Tom Hart']] as const) {
      expect(await flow.send({ key: `k|${id}`, kind: 'response-overdue', caseRef: d.s.ref, to: { personId: id, name }, text: 'No response.', suggestedStage: 2 }, d.s)).toBe(true);
    }
    const lapse = (to: string) => JSON.stringify(sent.find((s) => s.to === to && 'view' in s.message && s.message.view.card === 'lapse')?.message ?? null);
    expect(lapse('nia')).toContain(W.condition.cy);
    expect(lapse('tom')).toContain(W.condition.en);
    expect(lapse('tom')).not.toContain(W.condition.cy);
  });
});
