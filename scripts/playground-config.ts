/**
 * The Agents Playground's config (.m365agentsplayground.yml) for one person of the directory:
 * they are the Playground's current user (so the bot knows them by their Teams object id), and
 * the rest of the directory are the other users it lists.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Directory } from '../src/domain/directory.js';

type User = { id: string; name: string; userPrincipleName: string; aadObjectId: string; givenName: string; surname: string; email: string };

function user(p: Directory['people'][number]): User | null {
  const aad = p.identities.teams?.aadObjectId;
  if (!aad) return null;
  const words = p.name.split(' ');
  const mail = `${p.id}@example.org`;
  return { id: `user-${p.id}`, name: p.name, userPrincipleName: mail, aadObjectId: aad, givenName: words[0]!, surname: words.slice(1).join(' ') || words[0]!, email: mail };
}

/** Writes the config into `dir` (created) and returns the file's path. */
export function writePlaygroundConfig(directory: Directory, personId: string, dir: string): string {
  const people = directory.people.map(user).filter((u): u is User => u !== null);
  const current = people.find((u) => u.id === `user-${personId}`);
  if (!current) throw new Error(`${personId} is not in the directory with a Teams identity.`);
  // The Playground wants exactly five other users; they are only its mock roster.
  const others = people.filter((u) => u !== current).slice(0, 5);
  if (others.length < 5) throw new Error('The Playground needs at least six people with Teams identities in the directory.');
  const config = {
    version: '0.1.1',
    tenantId: '00000000-0000-0000-0000-0000000000001',
    bot: { id: '00000000-0000-0000-0000-00000000000011', name: 'Resolve' },
    currentUser: current,
    users: others,
    personalChat: { id: `personal-${personId}` },
    groupChat: { id: 'group-chat', name: 'Group Chat' },
    team: { id: 'team-board', name: directory.partnership.name, aadGroupId: '00000000-0000-0000-0000-000000000031', channels: [{ id: 'channel-board', name: 'Board' }] },
  };
  mkdirSync(dir, { recursive: true });
  const file = join(dir, '.m365agentsplayground.yml');
  writeFileSync(file, stringify(config));
  return file;
}
