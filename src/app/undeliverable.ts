/**
 * Prompts that never got through. After the scheduler's last try, a prompt is declared
 * undeliverable here, and only here: it is kept in the store (kind `undeliverable-prompt`, one
 * document per prompt, and a short list for /healthz), and the person's line manager (or, with
 * none, the Board's business manager) is told who could not be reached about which case.
 * Only case references and directory ids are kept: never a name of a child (there are none).
 */
import { personById, type Directory } from '../domain/directory.js';
import { deliverOnce, type Notification, type Notifier } from './notifier.js';
import type { Store } from './store.js';

export const UNDELIVERABLE = 'undeliverable-prompt';
const LIST = 'latest';
const KEEP = 20;

export type UndeliverableRecord = { key: string; kind: Notification['kind']; caseRef: string | null; personId: string; tries: number; at: string };
export type UndeliverableList = { count: number; latest: UndeliverableRecord[] };

export type UndeliverableDeps = {
  store: Store;
  notifier: Notifier;
  directory: Directory;
  /** Hears of each prompt declared undeliverable (logging, metrics). */
  onUndeliverable?: (record: UndeliverableRecord) => void;
};

/** The one function where a prompt is declared undeliverable. Safe to call twice for one prompt. */
export async function declareUndeliverable(deps: UndeliverableDeps, n: Notification, tries: number, at: Date): Promise<void> {
  const { store } = deps;
  const record: UndeliverableRecord = { key: n.key, kind: n.kind, caseRef: n.caseRef, personId: n.to.personId, tries, at: at.toISOString() };
  const first = await store.putDocument(UNDELIVERABLE, `prompt:${n.key}`, record, null);
  if (!first.ok) return;
  await addToList(store, record);
  deps.onUndeliverable?.(record);
  // Telling someone who cannot be reached that they cannot be reached helps nobody.
  if (n.kind === 'undeliverable-prompt') return;
  const manager = whoToTell(deps.directory, n.to.personId);
  if (!manager) return;
  const about = n.caseRef ? `case ${n.caseRef}` : 'the Board digest';
  const person = personById(deps.directory, n.to.personId);
  await deliverOnce(store, deps.notifier, {
    key: `${n.key}|undeliverable|${manager.id}`,
    kind: 'undeliverable-prompt',
    caseRef: n.caseRef,
    to: { personId: manager.id, name: manager.name },
    text: `I could not reach ${person?.name ?? n.to.personId} about ${about} (${n.kind.replace(/-/g, ' ')}) after ${tries} tries. Please contact them directly${n.caseRef ? `, or hand it over: \`hand over ${n.caseRef} from <person> to <person>\`` : ''}.`,
  }, at);
}

/** The person's line manager, or else the partnership's business unit (a Board business manager). */
function whoToTell(directory: Directory, personId: string) {
  const person = personById(directory, personId);
  const manager = person?.lineManagerId ? personById(directory, person.lineManagerId) : undefined;
  if (manager && manager.id !== personId) return manager;
  return directory.people.find((p) => p.roles.includes('board-business-manager') && p.id !== personId);
}

async function addToList(store: Store, record: UndeliverableRecord): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const current = await store.getDocument<UndeliverableList>(UNDELIVERABLE, LIST);
    const list = current?.value ?? { count: 0, latest: [] };
    const next: UndeliverableList = { count: list.count + 1, latest: [record, ...list.latest].slice(0, KEEP) };
    if ((await store.putDocument(UNDELIVERABLE, LIST, next, current ? current.etag : null)).ok) return;
  }
}

/** For /healthz: how many prompts never got through, and the latest few. */
export async function undeliverableSummary(store: Store, few = 5): Promise<UndeliverableList> {
  const list = (await store.getDocument<UndeliverableList>(UNDELIVERABLE, LIST))?.value ?? { count: 0, latest: [] };
  return { count: list.count, latest: list.latest.slice(0, few) };
}
