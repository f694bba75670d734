/**
 * Counterpart matching: for a case and a stage, who raises the concern for the escalating agency,
 * who receives it, and who must be informed, at the level the policy names.
 *
 * The order of preference follows the procedures: the roles the stage names, in order (for a part
 * played by the requester's own agency, their own line-management chain first, then directory
 * order); if that person is away, their deputy, else another available holder of the role; if
 * nobody can act in any of the roles, the stage's fallback roles, then the agency's person with
 * strategic responsibility for safeguarding (BSCB Stage 3). One person is never put on both sides.
 * When nobody can be found the answer says so plainly, so a person can step in rather than the
 * case silently stalling.
 *
 * The roles wanted depend on the kind of agency where the policy says so (rolesByAgencyKind). A
 * stage raised "via" someone (Derby Stage 6, BSCB Stage 4) matches that person too; they are
 * told with the informed, after them.
 */
import { agencyById, childrensSocialCareAgency, partnershipAgency, peopleOf, personById, type Agency, type Directory, type Person } from './directory.js';
import { ROLES, rolesFor, type Party, type Policy, type Role, type Scope, type Stage } from './policy/schema.js';

/**
 * A person as recorded on a case: enough to show and reach them, with the role they act in.
 * `forAgencyId`: the agency they act for when it is not their own (an officer of the agency that
 * serves it, see `servedBy`); `agencyName` then says both.
 */
export type Participant = { personId: string; name: string; agencyId: string; agencyName: string; role: Role; forAgencyId?: string };

/** The agency whose side a participant is on: the one they act for, else their own. */
export const sideAgencyOf = (p: Pick<Participant, 'agencyId' | 'forAgencyId'>): string => p.forAgencyId ?? p.agencyId;

export type MatchVia = 'role' | 'deputy' | 'fallback-role' | 'strategic-lead' | 'served-by';
export type Side = 'raiser' | 'receiver' | 'informed';

export type MatchFound = { ok: true; participant: Participant; via: MatchVia; note: string };
export type MatchFailure = {
  ok: false;
  side: Side;
  /** The scope of the part, when matched for a stage. */
  scope?: Scope;
  /** The agency searched, where the scope names one the directory has. */
  agencyId?: string;
  /** The roles wanted, in order, then the fallback roles. */
  roles: Role[];
  /** A sentence a person can act on. */
  reason: string;
};
export type Match = MatchFound | MatchFailure;

export type MatchInput = {
  directory: Directory;
  stage: Stage;
  escalatingAgencyId: string;
  receivingAgencyId: string;
  /** The practitioner or previous raiser: parts their own agency plays prefer their management chain. */
  requesterId?: string;
  /** Where the child lives, when the policy has several local areas: whose Board and Children's Social Care act. */
  localAreaId?: string;
};

export type Matches = { raiser: Match; receiver: Match; informed: Match[] };

export function participantOf(directory: Directory, person: Person, role: Role): Participant {
  const agency = agencyById(directory, person.agencyId);
  return { personId: person.id, name: person.name, agencyId: person.agencyId, agencyName: agency?.name ?? person.agencyId, role };
}

/**
 * A person in a role, acting for agency `forAgencyId`: as themselves where it is their own agency;
 * where it is an agency theirs serves (`servedBy`), as its officer ("Health Board, for Hill Street
 * Surgery", `forAgencyId`), as matching records them. Anyone else is themselves, at their own
 * agency (and `decide` refuses them a part held for another).
 */
export function actingFor(directory: Directory, person: Person, role: Role, forAgencyId: string): Participant {
  const own = participantOf(directory, person, role);
  const agency = agencyById(directory, forAgencyId);
  return agency && agency.id !== person.agencyId && agency.servedBy === person.agencyId ? servingFor(own, agency) : own;
}

/** An officer of the agency that serves `agency`, acting for it. */
function servingFor(p: Participant, agency: { id: string; name: string }): Participant {
  return { ...p, agencyName: `${p.agencyName}, for ${agency.name}`, forAgencyId: agency.id };
}

/** What to call a participant's part, for people: their job title in the directory, else the role's name. */
export function roleTitle(directory: Directory, p: Participant): string {
  return personById(directory, p.personId)?.jobTitle ?? ROLES[p.role];
}

/** "between A and B", or "within A" for a stage inside one agency (Derby Stage 2). */
export function betweenAgencies(a: Participant, b: Participant): string {
  return a.agencyId === b.agencyId ? `within ${a.agencyName}` : `between ${a.agencyName} and ${b.agencyName}`;
}

export function matchParties(input: MatchInput): Matches {
  const { stage } = input;
  // The requester's management chain is preferred for any part played by their own agency
  // (Derby's Stage 2 is a talk with the practitioner's own manager).
  const raiser = matchParty(input, stage.raisedBy, 'raiser', []);
  const receiver = matchParty(input, stage.receivedBy, 'receiver', raiser.ok ? [raiser.participant.personId] : []);
  const informed = stage.inform.map((i) => matchParty(input, { roles: [i.role], scope: i.scope, fallbackRoles: [], rolesByAgencyKind: {}, source: i.source }, 'informed', []));
  const via = stage.raisedBy.via;
  if (via) informed.push(matchParty(input, via, 'informed', []));
  return { raiser, receiver, informed };
}

/**
 * The people the parties may contact at any stage (Worcestershire's Senior Liaison Officer), for
 * the case's agencies; shown with every stage rather than tied to one.
 */
export function matchAdvisers(input: Omit<MatchInput, 'stage'> & { policy: Policy }): { match: Match; why: string }[] {
  return input.policy.advisers.map((a) => ({
    why: a.why,
    match: matchParty({ ...input, stage: input.policy.stages[0]! }, { roles: [a.role], scope: a.scope, fallbackRoles: [], rolesByAgencyKind: {}, source: a.source }, 'informed', []),
  }));
}

/** A missing Board for the area is a gap to report, not an error. */
function partnershipAgencyIn(directory: Directory, localAreaId: string): Agency | undefined {
  try {
    return partnershipAgency(directory, localAreaId);
  } catch {
    return undefined;
  }
}

/** The agency whose people fill a part with this scope. */
export function agencyForScope(directory: Directory, scope: Scope, escalatingAgencyId: string, receivingAgencyId: string, localAreaId?: string): Agency | undefined {
  switch (scope) {
    case 'escalating-agency':
      return agencyById(directory, escalatingAgencyId);
    case 'receiving-agency':
      return agencyById(directory, receivingAgencyId);
    case 'partnership':
      return localAreaId ? partnershipAgencyIn(directory, localAreaId) : partnershipAgency(directory);
    case 'childrens-social-care':
      return childrensSocialCareAgency(directory, localAreaId);
  }
}

function matchParty(input: MatchInput, party: Omit<Party, 'via'>, side: Side, excludePersonIds: string[]): Match {
  const agency = agencyForScope(input.directory, party.scope, input.escalatingAgencyId, input.receivingAgencyId, input.localAreaId);
  if (!agency) {
    const missing = party.scope === 'escalating-agency' ? input.escalatingAgencyId : party.scope === 'receiving-agency' ? input.receivingAgencyId : undefined;
    return {
      ok: false,
      side,
      scope: party.scope,
      roles: [...party.roles, ...party.fallbackRoles],
      reason: missing
        ? `The directory has no agency with id "${missing}".`
        : `The directory has no ${party.scope.replace(/-/g, ' ')} agency${input.localAreaId ? ` for the local area "${input.localAreaId}"` : ''}.`,
    };
  }
  const request = { roles: rolesFor(party, agency.kind), fallbackRoles: party.fallbackRoles, requesterId: input.requesterId, excludePersonIds, side, scope: party.scope };
  const own = resolvePerson(input.directory, { ...request, agencyId: agency.id });
  const server = !own.ok && agency.servedBy ? agencyById(input.directory, agency.servedBy) : undefined;
  if (own.ok || !server) return own;
  // Nobody at the agency can act: the officers of the agency that serves it act for it.
  const served = resolvePerson(input.directory, { ...request, agencyId: server.id });
  if (!served.ok) return { ...own, reason: `${own.reason} ${server.name}, which serves it, has nobody either: ${served.reason}` };
  const p = served.participant;
  return {
    ok: true,
    via: 'served-by',
    participant: servingFor(p, agency),
    note: `${own.reason.replace(/\.$/, '')}; ${p.name} (${server.name}) acts for it, as ${server.name} serves ${agency.name}.`,
  };
}

export type ResolveRequest = {
  agencyId: string;
  /** Roles in order of preference. */
  roles: Role[];
  /** Roles to try when nobody can act in any of `roles`. */
  fallbackRoles?: Role[];
  /** Whose line-management chain to prefer (only people at `agencyId` count). */
  requesterId?: string;
  /** People who must not be chosen (e.g. the other side of the disagreement). */
  excludePersonIds?: string[];
  /** Recorded on a failure (side defaults to 'informed'). */
  side?: Side;
  scope?: Scope;
};

/**
 * Who at one agency acts in one of the roles: by role (chain first, then directory order), deputy
 * cover, other holders, fallback roles, then the agency's strategic safeguarding lead.
 */
export function resolvePerson(directory: Directory, request: ResolveRequest): Match {
  const fallbackRoles = request.fallbackRoles ?? [];
  const exclude = new Set(request.excludePersonIds ?? []);
  const agency = agencyById(directory, request.agencyId);
  const failure = (reason: string): MatchFailure => ({
    ok: false,
    side: request.side ?? 'informed',
    ...(request.scope ? { scope: request.scope } : {}),
    ...(agency ? { agencyId: agency.id } : {}),
    roles: [...request.roles, ...fallbackRoles],
    reason,
  });
  if (!agency) return failure(`The directory has no agency with id "${request.agencyId}".`);

  const members = peopleOf(directory, agency.id);
  const chain = request.requesterId ? managementChain(directory, request.requesterId).filter((p) => p.agencyId === agency.id) : [];
  /** Why holders who exist could not be used, for the final sentence. */
  const problems: string[] = [];

  const tryRoles = (roles: Role[], via: 'role' | 'fallback-role'): MatchFound | null => {
    for (const role of roles) {
      const holders = unique([...chain, ...members].filter((p) => p.roles.includes(role)));
      const found = cover(directory, holders, role, via, exclude, problems);
      if (found) return found;
    }
    return null;
  };

  const found = tryRoles(request.roles, 'role') ?? tryRoles(fallbackRoles, 'fallback-role');
  if (found) return found;

  const wanted = roleNames([...request.roles, ...fallbackRoles]);
  const lead = agency.strategicSafeguardingLeadId ? personById(directory, agency.strategicSafeguardingLeadId) : undefined;
  if (lead) {
    const role = request.roles[0] ?? 'strategic-safeguarding-lead';
    const m = cover(directory, [lead], role, 'strategic-lead', exclude, problems);
    if (m) {
      const why = problems.length === 0 ? `Nobody at ${agency.name} holds the role ${wanted}` : `Nobody available at ${agency.name} can act as ${wanted}`;
      const covering = m.participant.personId === lead.id ? '' : ` ${m.note}`;
      return { ...m, via: 'strategic-lead', note: `${why}; ${lead.name} has strategic responsibility for safeguarding there.${covering}` };
    }
  }

  if (problems.length > 0) {
    return failure(`Nobody available at ${agency.name} can act as ${wanted}: ${problems.join('; ')}.`);
  }
  const noLead = agency.strategicSafeguardingLeadId ? '' : ', and it has no person with strategic responsibility for safeguarding';
  return failure(`Nobody at ${agency.name} holds the role ${wanted}${noLead}.`);
}

/**
 * The first holder, or their deputy while they are away, or else another available holder.
 * Explains in `problems` why holders could not be used.
 */
function cover(d: Directory, holders: Person[], role: Role, via: MatchVia, exclude: Set<string>, problems: string[]): MatchFound | null {
  const usable = (p: Person): boolean => p.available && !exclude.has(p.id);
  const [first, ...others] = holders;
  if (!first) return null;
  if (usable(first)) return { ok: true, participant: participantOf(d, first, role), via, note: `${first.name} holds the role ${ROLES[role]}.` };

  let why: string;
  let deputyId: string | undefined;
  if (exclude.has(first.id)) {
    why = `${first.name} cannot be on both sides of the disagreement`;
  } else {
    const deputy = first.deputyId ? personById(d, first.deputyId) : undefined;
    deputyId = deputy?.id;
    if (deputy && usable(deputy)) {
      return { ok: true, participant: participantOf(d, deputy, role), via: 'deputy', note: `${first.name} is unavailable; ${deputy.name} is covering.` };
    }
    why = !deputy
      ? `${first.name} is unavailable and nobody is named to cover`
      : exclude.has(deputy.id)
        ? `${first.name} is unavailable and their deputy ${deputy.name} cannot be on both sides of the disagreement`
        : `${first.name} is unavailable and so is their deputy ${deputy.name}`;
  }
  const other = others.find(usable);
  if (other) return { ok: true, participant: participantOf(d, other, role), via, note: `${why}; ${other.name} also holds the role ${ROLES[role]}.` };
  const rest = others.filter((p) => p.id !== deputyId);
  problems.push(why, ...rest.map((p) => (exclude.has(p.id) ? `${p.name} cannot be on both sides of the disagreement` : `${p.name} is unavailable`)));
  return null;
}

/** The person, then their line manager, and upwards (stopping at a loop or a missing link). */
export function managementChain(d: Directory, personId: string): Person[] {
  const chain: Person[] = [];
  let p = personById(d, personId);
  while (p && !chain.includes(p)) {
    chain.push(p);
    p = p.lineManagerId ? personById(d, p.lineManagerId) : undefined;
  }
  return chain;
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

const roleNames = (roles: Role[]) => unique(roles).map((r) => ROLES[r]).join(' or ');
