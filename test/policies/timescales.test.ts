/**
 * What the format can say about time, through the engine: calendar days keep the wall-clock time
 * across a clock change, a deadline may count from the case's opening, and stages counting from
 * one stage's opening share a time budget. The procedure is test/policies/fixtures/timescales.yaml.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validatePolicyFile } from '../../src/app/policy-catalog.js';
import { addCalendarDays } from '../../src/domain/calendar.js';
import type { Policy } from '../../src/domain/policy/schema.js';
import { parsePolicy } from '../../src/domain/policy/parse.js';
import { policyRules } from '../../src/domain/policy/rules.js';
import { CaseDriver } from '../support/case-driver.js';
import { actorOf } from '../support/people.js';
import { escalateTo, openCase, partiesFor, raiserOf, requesterOf, respondDisagree } from '../support/walk.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/timescales.yaml', import.meta.url));
let policy: Policy;
beforeAll(async () => {
  const r = await validatePolicyFile(FIXTURE);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  policy = r.policy;
});

describe('timescales', () => {
  it('calendar days keep the London wall-clock time across the October clock change', () => {
    // Friday 23 October 2026, 10:00 BST (09:00Z); the clocks go back on Sunday 25th.
    expect(addCalendarDays(new Date('2026-10-23T09:00:00Z'), 2).toISOString()).toBe('2026-10-25T10:00:00.000Z');
    const d = new CaseDriver(new Date('2026-10-23T09:00:00Z'));
    openCase(d, policy);
    escalateTo(d, policy, 1);
    // Sunday counts: these are calendar days, due at 10:00 London time (now GMT).
    expect(d.s.current!.responseDue).toBe('2026-10-25T10:00:00.000Z');
  });

  it('counts from the case’s opening, and two stages share the budget counted from the first of them', () => {
    const d = new CaseDriver(new Date('2026-11-02T10:00:00Z')); // Monday
    openCase(d, policy);
    escalateTo(d, policy, 1);
    d.at('2026-11-04T10:00:00Z');
    respondDisagree(d, policy);
    d.at('2026-11-05T10:00:00Z');
    escalateTo(d, policy, 2);
    // Ten working days from Monday 2 November (the case opened), not from Thursday 5th.
    expect(d.s.current!.responseDue).toBe('2026-11-16T10:00:00.000Z');
    d.at('2026-11-09T15:00:00Z');
    respondDisagree(d, policy);
    d.at('2026-11-10T09:30:00Z');
    escalateTo(d, policy, 3);
    // Stage 3 counts five working days from Stage 2's opening (Thursday 5th): Thursday 12th.
    expect(d.s.current!.responseDue).toBe('2026-11-12T10:00:00.000Z');
  });

  it('says what each deadline counts from when the policy is shown or traced', () => {
    const text = policyRules(policy).filter((r) => r.what === 'response').map((r) => r.encoded);
    expect(text).toEqual(['2 calendar days', '10 working days, counted from the opening of the case', '5 working days, counted from the opening of Stage 2']);
  });

  it('refuses a stage that counts from a later stage, with line and column', () => {
    const text = readFileSync(FIXTURE, 'utf8').replace('countsFrom: case-opened', 'countsFrom: { stage: 3 }');
    const r = parsePolicy('later.yaml', text);
    expect(r.ok ? [] : r.errors).toEqual([expect.stringMatching(/^later\.yaml \(line 34, column \d+\): stages\[1\]\.response\.countsFrom\.stage: Stage 2 cannot count from Stage 3, which comes after it$/)]);
  });
});

describe('a working-day calendar chosen per partnership', () => {
  it('counts the Isle of Man’s TT Senior Race Day as a holiday for a Manx procedure', () => {
    const manx = parsePolicy('manx.yaml', readFileSync(FIXTURE, 'utf8').replace('document: timescales.txt', 'document: timescales.txt\nregion: isle-of-man'));
    if (!manx.ok) throw new Error(manx.errors.join('\n'));
    const dueOf = (p: Policy) => {
      // Thursday 11 June 2026; Friday 12th is Senior Race Day on the island only.
      const d = new CaseDriver(new Date('2026-06-11T09:00:00Z'));
      openCase(d, p);
      escalateTo(d, p, 1);
      d.at('2026-06-11T10:00:00Z');
      respondDisagree(d, p);
      escalateTo(d, p, 2);
      return d.s.current!.responseDue;
    };
    // Ten working days from the case's opening: Thursday 25 June in England, Friday 26th on the island.
    expect(dueOf(policy)).toBe('2026-06-25T09:00:00.000Z');
    expect(dueOf(manx.policy)).toBe('2026-06-26T09:00:00.000Z');
  });
});

describe('"N working days or less": an earlier response date where the procedure allows one', () => {
  const withSooner = () => {
    const text = readFileSync(FIXTURE, 'utf8').replace('response: { kind: calendar-days, days: 2, source: "a response within two days" }', 'response: { kind: calendar-days, days: 2, orSooner: { source: "or sooner where the child needs it" }, source: "a response within two days" }');
    const r = parsePolicy('sooner.yaml', text);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    return r.policy;
  };
  const raiseStage1 = (p: Policy, requestedDue: string) => {
    const d = new CaseDriver(new Date('2026-11-02T10:00:00Z'));
    openCase(d, p);
    const stage = p.stages[0]!;
    d.do({ type: 'request-escalation', actor: requesterOf(d), toStage: 1, reason: 'not-resolved', note: '', approver: raiserOf(stage) });
    return { d, approve: { type: 'approve-escalation' as const, actor: actorOf(raiserOf(stage)), parties: partiesFor(stage), requestedDue } };
  };

  it('records an earlier date the raiser sets, and refuses a later one', () => {
    const p = withSooner();
    const later = raiseStage1(p, '2026-11-04T11:00:00Z');
    expect(later.d.refuses(later.approve, 'invalid')).toBe('The procedure already requires a response by Wed 4 Nov 2026, 10:00; an earlier date can be set, never a later one.');
    const sooner = raiseStage1(p, '2026-11-03T12:00:00Z');
    sooner.d.do(sooner.approve);
    expect(sooner.d.s.current!.responseDue).toBe('2026-11-03T12:00:00.000Z');
    expect(policyRules(p).filter((r) => r.what === 'or sooner').map((r) => r.quote)).toEqual(['or sooner where the child needs it']);
  });

  it('refuses any other date where the procedure sets the timescale alone', () => {
    const { d, approve } = raiseStage1(policy, '2026-11-03T12:00:00Z');
    expect(d.refuses(approve, 'invalid')).toBe('Timescales test procedure sets the response time at Stage 1; an earlier date cannot be set here.');
  });

  it('is not accepted on a timescale with no fixed time, with line and column', () => {
    const text = readFileSync(FIXTURE, 'utf8').replace('response: { kind: calendar-days, days: 2, source: "a response within two days" }', 'response: { kind: none, note: without delay, orSooner: { source: "x" }, source: "a response within two days" }');
    const r = parsePolicy('none.yaml', text);
    expect(r.ok ? [] : r.errors).toEqual([expect.stringMatching(/^none\.yaml \(line \d+, column \d+\): stages\[0\]\.response.*orSooner/)]);
  });
});

describe('a council’s own local holidays in the working-day calendar', () => {
  const LOCAL = 'document: timescales.txt\nlocalHolidays:\n  - { date: 2026-11-09, name: Council closure day, source: "the council offices are closed on 9 November" }';
  const withLocal = (extra = '') => parsePolicy('local.yaml', readFileSync(FIXTURE, 'utf8').replace('document: timescales.txt', LOCAL + extra));

  it('skips the listed day when counting working days, beside the bank holidays', () => {
    const local = withLocal();
    if (!local.ok) throw new Error(local.errors.join('\n'));
    const dueOf = (p: Policy) => {
      const d = new CaseDriver(new Date('2026-11-02T10:00:00Z')); // Monday
      openCase(d, p);
      escalateTo(d, p, 1);
      d.at('2026-11-03T10:00:00Z');
      respondDisagree(d, p);
      escalateTo(d, p, 2);
      return d.s.current!.responseDue;
    };
    // Ten working days from Monday 2 November: Monday 16th, or Tuesday 17th with the 9th closed.
    expect(dueOf(policy)).toBe('2026-11-16T10:00:00.000Z');
    expect(dueOf(local.policy)).toBe('2026-11-17T10:00:00.000Z');
    expect(policyRules(local.policy).filter((r) => r.what === 'local holiday').map((r) => [r.encoded, r.quote])).toEqual([
      ['2026-11-09, Council closure day: not a working day', 'the council offices are closed on 9 November'],
    ]);
  });

  it('refuses a date that is not one, and a day listed twice, with line and column', () => {
    const bad = parsePolicy('bad.yaml', readFileSync(FIXTURE, 'utf8').replace('document: timescales.txt', LOCAL.replace('2026-11-09', '2026-02-30')));
    expect(bad.ok ? [] : bad.errors).toEqual([expect.stringMatching(/^bad\.yaml \(line 10, column \d+\): localHolidays\[0\]\.date: must be a date, YYYY-MM-DD$/)]);
    const twice = withLocal('\n  - { date: 2026-11-09, name: Again, source: "x" }');
    expect(twice.ok ? [] : twice.errors).toEqual([expect.stringMatching(/^local\.yaml \(line 11, column \d+\): localHolidays\[1\]\.date: 2026-11-09 is listed twice$/)]);
  });
});
