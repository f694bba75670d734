/** Test people: a participant and the matching actor for a role in an agency, with stable ids. */
import type { Actor } from '../../src/domain/escalation/events.js';
import type { Participant } from '../../src/domain/matching.js';
import type { Role } from '../../src/domain/policy/schema.js';

export const AGENCY_NAMES: Record<string, string> = {
  health: 'Riverside Health Trust',
  police: 'County Police',
  csc: "Children's Social Care",
  board: 'Safeguarding Children Board',
  school: 'Oakfield Primary School',
};

export function participant(role: Role, agencyId: string, n = 1): Participant {
  return {
    personId: `${agencyId}-${role}${n > 1 ? `-${n}` : ''}`,
    name: `${role.replace(/-/g, ' ')} ${n} at ${agencyId}`,
    agencyId,
    agencyName: AGENCY_NAMES[agencyId] ?? agencyId,
    role,
  };
}

export function actorOf(p: Participant): Actor {
  return { kind: 'person', personId: p.personId, name: p.name, role: p.role, agencyId: p.agencyId, agencyName: p.agencyName };
}

export function actor(role: Role, agencyId: string, n = 1): Actor {
  return actorOf(participant(role, agencyId, n));
}

export { SCHEDULER } from '../../src/app/scheduled-jobs.js';
