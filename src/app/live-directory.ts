/**
 * The directory the running app reads, kept in the store so a change takes effect without a
 * restart, and the platform identities bound to people on first contact.
 *
 * The app's services were each given one Directory object at start-up; this holder keeps that
 * object and replaces its contents in place (in one synchronous step, so no turn sees half of a
 * change) whenever the store's version document changes. The doors check the version at the start
 * of each turn, and a timer checks it for the scheduler's jobs.
 *
 * Where the directory comes from: the one imported into the store (`directory import`), or, until
 * one is, the directory file (DIRECTORY_FILE, the demo by default). The file is not copied into the
 * store, so an edited file still takes effect at the next start until a business unit imports.
 *
 * Bindings are kept apart from the imported directory (an import never forgets them) and laid
 * over it: a bound Teams or Slack id becomes the person's identity, as if the file had named it.
 */
import { Directory, PeopleIndex, type Person } from '../domain/directory.js';
import type { Store } from './store.js';

const NAMESPACE = 'directory';
/** Changed by every import and binding; its etag is the version the app compares. */
const VERSION = 'version';
const IMPORTED = 'imported';
const BINDINGS = 'bindings';

export type Platform = 'teams' | 'slack';
/** How the platform said who the person is. */
export type BindingMethod = 'teams-roster-email' | 'teams-roster-upn' | 'slack-profile-email';

export type Binding = {
  personId: string;
  platform: Platform;
  /** Teams: the Entra object id. Slack: "<team id>/<user id>". */
  platformId: string;
  at: string;
  how: BindingMethod;
};

export type ImportedDirectory = { directory: Directory; importedAt: string; people: number };

export type BindResult = { ok: true; person: Person } | { ok: false; message: string };

const PLATFORM_NAME: Record<Platform, string> = { teams: 'Teams', slack: 'Slack' };

/** What someone not found by their email is told (the email is their own; it is never logged). */
export const notListed = (email: string, platform: Platform) =>
  `I can't find ${email} in this partnership's directory, so I can't act for you. Please ask your safeguarding lead to add you to the directory with that work email, or to add your ${PLATFORM_NAME[platform]} account.`;

export class LiveDirectory {
  private version: string | null | undefined = undefined;
  private bindings: Binding[] = [];
  private source: 'store' | 'file' = 'file';
  private readonly listeners: (() => void)[] = [];
  /** Who has each platform id and email in the directory as it now stands (made again with each change). */
  private people: PeopleIndex;

  private constructor(
    private readonly store: Store,
    /** The directory file's, used while nothing is imported. */
    private readonly fromFile: Directory,
    /** The object every service holds; its contents are replaced, never the object. */
    readonly directory: Directory,
  ) {
    this.people = new PeopleIndex(directory);
  }

  static async open(store: Store, fromFile: Directory): Promise<LiveDirectory> {
    const live = new LiveDirectory(store, fromFile, structuredClone(fromFile));
    await live.refresh();
    return live;
  }

  /** Calls `listener` after each change, for what is derived from the directory (the names text may carry). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Where the directory in use came from, and how many identities have been bound. */
  summary() {
    return { source: this.source === 'store' ? 'imported' : 'file', people: this.directory.people.length, agencies: this.directory.agencies.length, bindings: this.bindings.length };
  }

  /** Reads the directory again if an import or a binding changed it (one small read otherwise). */
  async refresh(): Promise<void> {
    const version = (await this.store.getDocument(NAMESPACE, VERSION))?.etag ?? null;
    if (version === this.version) return;
    const [imported, bindings] = await Promise.all([importedDirectory(this.store), storedBindings(this.store)]);
    const base = imported ? imported.directory : this.fromFile;
    // The procedure was chosen for the partnership at start-up; the import keeps the partnership.
    if (base.partnership.policyId !== this.directory.partnership.policyId && this.version !== undefined) {
      throw new Error(`the imported directory's policy "${base.partnership.policyId}" is not the one this app started with; restart it`);
    }
    const next = withBindings(structuredClone(base), bindings.value);
    Object.assign(this.directory.partnership, next.partnership);
    this.directory.agencies.splice(0, this.directory.agencies.length, ...next.agencies);
    this.directory.people.splice(0, this.directory.people.length, ...next.people);
    this.people = new PeopleIndex(this.directory);
    this.bindings = bindings.value;
    this.source = imported ? 'store' : 'file';
    this.version = version;
    for (const listener of this.listeners) listener();
  }

  /** The person whose Teams id this is, refreshed first. */
  async byTeamsId(aadObjectId: string): Promise<Person | undefined> {
    await this.refresh();
    return this.people.byTeamsId(aadObjectId);
  }

  async bySlackId(teamId: string, userId: string): Promise<Person | undefined> {
    await this.refresh();
    return this.people.bySlackId(teamId, userId);
  }

  /**
   * Binds a platform id to the person listed with this email, on their first contact. Refused
   * (nothing recorded) when nobody has the email, when that person is already bound to another
   * account on the platform, or when the id is already someone else's.
   */
  async bind(platform: Platform, platformId: string, email: string, how: BindingMethod, now: Date): Promise<BindResult> {
    for (let attempt = 0; attempt < 5; attempt++) {
      await this.refresh();
      const person = this.people.byEmail(email);
      if (!person) return { ok: false, message: notListed(email, platform) };
      const holder = this.directory.people.find((p) => idOf(p, platform) === platformId);
      if (holder && holder.id !== person.id) {
        return { ok: false, message: `This ${PLATFORM_NAME[platform]} account is already linked to someone else in this partnership's directory, so I can't act for you; nothing was changed. Please ask your safeguarding lead to check the directory.` };
      }
      if (holder) return { ok: true, person };
      if (idOf(person, platform)) {
        return { ok: false, message: `${email} is already linked to another ${PLATFORM_NAME[platform]} account in this partnership's directory, so I can't act for you; nothing was changed. Please ask your safeguarding lead to check the directory.` };
      }
      const stored = await storedBindings(this.store);
      const binding: Binding = { personId: person.id, platform, platformId, at: now.toISOString(), how };
      const put = await this.store.putDocument(NAMESPACE, BINDINGS, { bindings: [...stored.value, binding] }, stored.etag);
      if (!put.ok) continue; // another turn bound someone meanwhile: decide again on what it wrote
      await this.store.putDocument(NAMESPACE, VERSION, { changed: binding.at, by: 'binding' });
      await this.refresh();
      return { ok: true, person: this.people.byEmail(email) ?? person };
    }
    throw new Error('the directory bindings kept changing while binding; try again');
  }
}

const idOf = (p: Person, platform: Platform) => (platform === 'teams' ? p.identities.teams?.aadObjectId : p.identities.slack ? `${p.identities.slack.teamId}/${p.identities.slack.userId}` : undefined);

/** Lays the bindings over the people they name (a binding never overrides an identity the directory states). */
function withBindings(d: Directory, bindings: Binding[]): Directory {
  for (const b of bindings) {
    const person = d.people.find((p) => p.id === b.personId);
    if (!person || idOf(person, b.platform)) continue;
    if (d.people.some((p) => idOf(p, b.platform) === b.platformId)) continue;
    if (b.platform === 'teams') person.identities.teams = { aadObjectId: b.platformId };
    else {
      const [teamId = '', userId = ''] = b.platformId.split('/');
      person.identities.slack = { teamId, userId };
    }
  }
  return d;
}

async function storedBindings(store: Store): Promise<{ value: Binding[]; etag: string | null }> {
  const doc = await store.getDocument<{ bindings: Binding[] }>(NAMESPACE, BINDINGS);
  return { value: doc?.value.bindings ?? [], etag: doc?.etag ?? null };
}

/** The directory last imported, checked again as it is read (null when none has been). */
export async function importedDirectory(store: Store): Promise<ImportedDirectory | null> {
  const doc = await store.getDocument<ImportedDirectory>(NAMESPACE, IMPORTED);
  if (!doc) return null;
  const checked = Directory.safeParse(doc.value.directory);
  if (!checked.success) throw new Error(`the directory imported into the store does not check: ${checked.error.issues[0]?.message ?? 'invalid'}`);
  return { ...doc.value, directory: checked.data };
}

/** Stores an imported directory and tells every running app to read it. */
export async function saveImportedDirectory(store: Store, directory: Directory, now: Date): Promise<void> {
  const importedAt = now.toISOString();
  await store.putDocument(NAMESPACE, IMPORTED, { directory, importedAt, people: directory.people.length } satisfies ImportedDirectory);
  await store.putDocument(NAMESPACE, VERSION, { changed: importedAt, by: 'import' });
}

/** Every binding made, oldest first. */
export async function listBindings(store: Store): Promise<Binding[]> {
  return (await storedBindings(store)).value;
}
