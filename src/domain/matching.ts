/**
 * Counterpart matching: for a case and a stage, who raises the concern for the escalating agency,
 * who receives it, and who must be informed, at the level the policy names.
 *
 * The order of preference follows the procedures: the role the stage names (on the escalating
 * side, the requester's own line manager first); if that person is away, their deputy; if nobody
 * holds the role, the stage's fallback roles, then the agency's person with strategic
 * responsibility for safeguarding (BSCB Stage 3). When nobody can be found the answer says so
 * plainly, so a person can step in rather than the case silently stalling.
 */
import { agencyById, partnershipAgency, personById, type Agency, type Directory, type Person } from './directory.js';
import { ROLES, type Party, type Role, type Scope, type Stage } from './policy/schema.js';

/** A person as recorded on a case: enough to show and reach them, with the role they act in. */
export type Participant = { personId: string; name: string; agencyId: string; agencyName: string; role: Role };

export type Match =
  | { ok: true; participant: Participant; via: 'role' | 'deputy' | 'fallback-role' | 'strategic-lead'; note: string }
  | { ok: false; reason: string };

export type MatchInput = {
  directory: Directory;
  stage: Stage;
  escalatingAgencyId: string;
  receivingAgencyId: string;
  /** The practitioner or previous raiser: the escalating side prefers their management chain. */
  requesterId?: string;
};

export function participantOf(directory: Directory, person: Person, role: Role): Participant {
  const agency = agencyById(directory, person.agencyId);
  return { personId: person.id, name: person.name, agencyId: person.agencyId, agencyName: agency?.name ?? person.agencyId, role };
}

export function matchParties(input: MatchInput): { raiser: Match; receiver: Match; informed: Match[] } {
  const { stage } = input;
  // The requester's management chain is preferred for any part played by their own agency
  // (Derby's Stage 2 is a talk with the practitioner's own manager).
  const raiser = matchParty(input, stage.raisedBy, input.requesterId);
  let receiver = matchParty(input, stage.receivedBy, input.requesterId);
  if (raiser.ok && receiver.ok && raiser.participant.personId === receiver.participant.personId) {
    receiver = { ok: false, reason: `${receiver.participant.name} would be on both sides of the disagreement; a different person must receive it.` };
  }
  const informed = stage.inform.map((i) => matchParty(input, { roles: [i.role], scope: i.scope, fallbackRoles: [], source: i.source }, input.requesterId));
  return { raiser, receiver, informed };
}

function agencyFor(input: MatchInput, scope: Scope): Agency | undefined {
  const d = input.directory;
  switch (scope) {
    case 'escalating-agency':
      return agencyById(d, input.escalatingAgencyId);
    case 'receiving-agency':
      return agencyById(d, input.receivingAgencyId);
    case 'partnership':
      return partnershipAgency(d);
    case 'childrens-social-care':
      return d.agencies.find((a) => a.kind === 'childrens-social-care');
  }
}

function matchParty(input: MatchInput, party: Party, requesterId?: string): Match {
  const d = input.directory;
  const agency = agencyFor(input, party.scope);
  if (!agency) return { ok: false, reason: `The directory has no ${party.scope.replace(/-/g, ' ')} agency.` };
  const members = d.people.filter((p) => p.agencyId === agency.id);
  const chain = requesterId ? managementChain(d, requesterId) : [];

  const tryRoles = (roles: Role[], via: 'role' | 'fallback-role'): Match | null => {
    for (const role of roles) {
      const holder = chain.find((p) => p.agencyId === agency.id && p.roles.includes(role)) ?? members.find((p) => p.roles.includes(role));
      if (holder) return cover(d, holder, role, via, agency);
    }
    return null;
  };

  const found = tryRoles(party.roles, 'role') ?? tryRoles(party.fallbackRoles, 'fallback-role');
  if (found) return found;
  const lead = agency.strategicSafeguardingLeadId ? personById(d, agency.strategicSafeguardingLeadId) : undefined;
  if (lead) {
    const m = cover(d, lead, party.roles[0]!, 'strategic-lead', agency);
    if (m.ok) m.note = `Nobody at ${agency.name} holds the role ${roleNames(party.roles)}; ${lead.name} has strategic responsibility for safeguarding there.`;
    return m;
  }
  return {
    ok: false,
    reason: `Nobody at ${agency.name} holds the role ${roleNames([...party.roles, ...party.fallbackRoles])}, and it has no person with strategic responsibility for safeguarding.`,
  };
}

/** The chosen person, or their deputy while they are unavailable. */
function cover(d: Directory, person: Person, role: Role, via: 'role' | 'fallback-role' | 'strategic-lead', agency: Agency): Match {
  if (person.available) return { ok: true, participant: participantOf(d, person, role), via, note: `${person.name} holds the role ${ROLES[role]}.` };
  const deputy = person.deputyId ? personById(d, person.deputyId) : undefined;
  if (deputy?.available) {
    return { ok: true, participant: participantOf(d, deputy, role), via: 'deputy', note: `${person.name} is unavailable; ${deputy.name} is covering.` };
  }
  return { ok: false, reason: `${person.name} (${ROLES[role]}, ${agency.name}) is unavailable and nobody available is named to cover.` };
}

/** The requester, then their line manager, and upwards (stopping at a loop). */
function managementChain(d: Directory, personId: string): Person[] {
  const chain: Person[] = [];
  let p = personById(d, personId);
  while (p && !chain.includes(p)) {
    chain.push(p);
    p = p.lineManagerId ? personById(d, p.lineManagerId) : undefined;
  }
  return chain;
}

const roleNames = (roles: Role[]) => roles.map((r) => ROLES[r]).join(' or ');
