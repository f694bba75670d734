/** Drives one case through `decide` and `evolve`, as the app will, with a movable clock. */
import { expect } from '@jest/globals';
import type { Command, Decision } from '../../src/domain/escalation/commands.js';
import { decide } from '../../src/domain/escalation/decide.js';
import type { CaseEvent } from '../../src/domain/escalation/events.js';
import { evolve, type CaseState } from '../../src/domain/escalation/state.js';

export class CaseDriver {
  state: CaseState | null = null;
  readonly events: CaseEvent[] = [];
  constructor(public now: Date) {}

  at(iso: string): this {
    this.now = new Date(iso);
    return this;
  }

  try(command: Command): Decision {
    const decision = decide(this.state, command, this.now);
    if (decision.ok) {
      for (const e of decision.events) {
        this.state = evolve(this.state, e);
        this.events.push(e);
      }
    }
    return decision;
  }

  /** Runs a command that must succeed; returns the event types it recorded. */
  do(command: Command): string[] {
    const decision = this.try(command);
    if (!decision.ok) throw new Error(`${command.type} refused: ${decision.message}`);
    return decision.events.map((e) => e.type);
  }

  /** Runs a command that must be refused, and checks nothing was recorded. */
  refuses(command: Command, code?: string): string {
    const before = this.events.length;
    const decision = this.try(command);
    expect(decision.ok).toBe(false);
    expect(this.events.length).toBe(before);
    if (decision.ok) return '';
    if (code) expect(decision.code).toBe(code);
    return decision.message;
  }

  get s(): CaseState {
    if (!this.state) throw new Error('no case yet');
    return this.state;
  }
}
