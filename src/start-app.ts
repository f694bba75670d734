/**
 * Builds and starts the whole app from its settings: procedures, directory, store, scheduler and
 * HTTP server. `main.ts` runs it as a process; tests run it in-process with their own clock,
 * notifier and logger, and stop and start it again on the same data.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import { CaseFlow } from './app/case-flow.js';
import { Cases } from './app/cases.js';
import { systemClock, type Clock } from './app/clock.js';
import { loadDirectoryFile } from './app/directory-file.js';
import { LiveDirectory } from './app/live-directory.js';
import { Escalations } from './app/escalations.js';
import { IntakeSessions } from './app/intake-sessions.js';
import { DEFAULT_JOB_SETTINGS, type JobSettings } from './app/job-plan.js';
import type { JobQueue } from './app/job-queue.js';
import { routeMessages, type Channel, type Messenger } from './app/messenger.js';
import type { Notifier } from './app/notifier.js';
import { loadPolicyCatalog } from './app/policy-catalog.js';
import { ScheduledJobs } from './app/scheduled-jobs.js';
import { undeliverableSummary, type UndeliverableRecord } from './app/undeliverable.js';
import type { Store } from './app/store.js';
import type { Config } from './config.js';
import { calendarOf } from './domain/calendar.js';
import type { Directory } from './domain/directory.js';
import { directoryAllowList, loadIdentityGuard } from './domain/personal-data.js';
import { warmCards } from './cards/render-card.js';
import { safeError } from './app/safe-error.js';
import { closeGracefully, createHttpServer, listen } from './http/server.js';
import { observeAppend, recordUndeliverablePrompt, watchJobs } from './http/metrics.js';
import { currentRequest } from './http/request-context.js';
import { timedStore } from './app/timed-store.js';
import { agendaJobQueue } from './jobs/agenda-queue.js';
import { teamsAdapter, teamsBot } from './teams/teams-bot.js';
import { teamsChannel } from './teams/teams-channel.js';
import type { SlackDoor } from './slack/slack-app.js';
import { openStore, type OpenedStore } from './store/open-store.js';

export type AppOptions = {
  clock?: Clock;
  notifier?: Notifier;
  log?: Logger;
  instanceName?: string;
  /** The store, already being opened for these settings (main.ts starts the embedded one before the app's modules load). */
  store?: Promise<OpenedStore>;
};

export type RunningApp = {
  port: number;
  store: Store;
  cases: Cases;
  queue: JobQueue;
  jobs: ScheduledJobs;
  intake: IntakeSessions;
  escalations: Escalations;
  directory: Directory;
  /** The same directory, kept current from the store, with the identities bound on first contact. */
  live: LiveDirectory;
  flow: CaseFlow;
  /** Stops taking requests and jobs, waits for running jobs, closes the store. */
  stop(): Promise<void>;
};

/** How long a stop waits for requests in progress before cutting them (main.ts allows 9 s in all). */
const REQUEST_GRACE_MS = 5000;
/** How long /readyz waits for the store's answer. */
const PING_TIMEOUT_MS = 2000;
/** How long after listening the modules only turns need are loaded. */
const WARM_UP_AFTER_MS = 1000;
/** How often the scheduler's view of the directory is brought up to date between turns. */
const DIRECTORY_REFRESH_MS = 30_000;

/**
 * The app's logger: JSON lines, each written while handling an HTTP request carrying that
 * request's id (never its body, a message's text or anything about a person).
 */
export function appLog(level: string, destination?: DestinationStream): Logger {
  const mixin = () => {
    const request = currentRequest();
    return request ? { requestId: request.requestId } : {};
  };
  const options = { level, base: { app: 'resolve' }, mixin, serializers: { err: safeError } };
  return destination ? pino(options, destination) : pino(options);
}

/** A start-up problem the person running the app can fix: shown as one line, no stack trace. */
export class StartError extends Error {}

/** The store's round-trip, or a rejection when it takes longer than PING_TIMEOUT_MS. */
function ping(store: Store): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS / 1000} s`)), PING_TIMEOUT_MS)));
  return Promise.race([store.ping(), late]).finally(() => clearTimeout(timer));
}

export async function startApp(config: Config, options: AppOptions = {}): Promise<RunningApp> {
  const log = options.log ?? appLog(config.LOG_LEVEL);
  const clock = options.clock ?? systemClock;

  // The store opens while the procedures and the directory file are read (the embedded database
  // on its own thread); if those fail, it is closed again.
  const opening = options.store ?? openStore(config, log);
  opening.catch(() => undefined); // its failure is reported where it is awaited, below
  const closeOpening = () => opening.then((o) => o.store.close()).catch(() => undefined);
  const catalog = await loadPolicyCatalog({ extraDirs: config.POLICY_DIR ? [config.POLICY_DIR] : [] }).catch(async (e: unknown) => {
    await closeOpening();
    throw new StartError(e instanceof Error ? e.message : String(e));
  });
  const loaded = await loadDirectoryFile(config.DIRECTORY_FILE);
  if (!loaded.ok) {
    await closeOpening();
    throw new StartError(loaded.errors.join('\n'));
  }

  const opened = await opening.catch((e: unknown) => {
    throw new StartError(e instanceof Error ? e.message : String(e));
  });
  // Every append is timed for /metrics; the rest of the store is its own.
  const store = timedStore(opened.store, observeAppend);
  log.info({ store: store.kind }, 'store ready');
  if (opened.auditWarning) log.warn(opened.auditWarning);
  // The directory imported into the store, or the file until one is; every service holds the
  // same object, which the holder updates in place when an import or a binding changes it.
  const live = await LiveDirectory.open(store, loaded.directory).catch(async (e: unknown) => {
    await store.close();
    throw new StartError(e instanceof Error ? e.message : String(e));
  });
  const directory = live.directory;
  const policy = catalog.get(directory.partnership.policyId);
  if (!policy) {
    await store.close();
    throw new StartError(`${live.summary().source === 'file' ? config.DIRECTORY_FILE : 'The imported directory'}: partnership.policyId "${directory.partnership.policyId}" is not a known policy (${catalog.list().map((p) => p.id).join(', ')}).`);
  }

  const settings: JobSettings = {
    ...DEFAULT_JOB_SETTINGS,
    reminderFractions: config.REMINDER_FRACTIONS,
    reminderWorkingDaysBefore: config.REMINDER_WORKING_DAYS_BEFORE,
    digestHour: config.DIGEST_HOUR,
  };
  let queue: JobQueue;
  try {
    queue = await agendaJobQueue({ ...opened.jobs, processEvery: config.JOBS_POLL_MS, lockLifetime: config.JOBS_LOCK_MS, ...(options.instanceName ? { name: options.instanceName } : {}) });
  } catch (e) {
    await store.close();
    throw new StartError(`cannot start the scheduler: ${e instanceof Error ? e.message : String(e)}`);
  }
  const onError = (message: string, err: unknown) => log.error({ err }, message);
  // Cases tells the scheduler of every change; the scheduler runs commands through Cases.
  // The names typed text may carry follow the directory (a person imported today may be named).
  const allow = directoryAllowList(directory);
  live.onChange(() => Object.assign(allow, directoryAllowList(directory)));
  const cases: Cases = new Cases(store, clock, (state, before) => jobs.syncQuietly(state, before), allow);
  const intake = new IntakeSessions({ store, cases, directory, policy, clock, allow });
  const escalations = new Escalations({ cases, directory });
  const teams = teamsAdapter({ clientId: config.clientId, clientSecret: config.clientSecret, tenantId: config.tenantId }, log);
  // Slack's SDK is loaded only when Slack is set up (it is a good part of the start-up time).
  const slack: SlackDoor | null =
    config.SLACK_SIGNING_SECRET && config.SLACK_BOT_TOKEN
      ? (await import('./slack/slack-app.js')).createSlack({ signingSecret: config.SLACK_SIGNING_SECRET, botToken: config.SLACK_BOT_TOKEN, appToken: config.SLACK_APP_TOKEN, apiUrl: config.SLACK_API_URL, boardChannel: config.SLACK_BOARD_CHANNEL, boardChannels: config.SLACK_BOARD_CHANNELS }, { store, log })
      : null;
  const channels: Channel[] = [
    teamsChannel({ adapter: teams.adapter, store, clientId: config.clientId, log,
      boardChannel: config.BOARD_SERVICE_URL && (config.BOARD_CHANNEL_ID || config.BOARD_CHANNEL_IDS) ? { channelId: config.BOARD_CHANNEL_ID, channelIds: config.BOARD_CHANNEL_IDS, serviceUrl: config.BOARD_SERVICE_URL } : undefined }),
    ...(slack ? [slack.channel] : []),
  ];
  const messenger: Messenger = routeMessages({ channels, directory, store, log, boardLanguage: config.BOARD_LANGUAGE });
  const flow = new CaseFlow({ store, cases, directory, intake, escalations, clock, messenger });
  const notifier = options.notifier ?? flow;
  slack?.listen({ flow, intake, messenger, store, directory, live, clock });
  const onUndeliverable = (r: UndeliverableRecord) => {
    recordUndeliverablePrompt();
    log.error({ prompt: r }, 'a prompt could not be delivered after every try; the person\'s manager has been told');
  };
  const jobs: ScheduledJobs = new ScheduledJobs({ cases, store, queue, notifier, directory, clock, region: calendarOf(policy), settings, onError, onUndeliverable });

  const synced = await jobs.syncAll();
  await queue.start(async (job, attempt) => {
    log.info({ job: { key: job.key, name: job.name }, attempt: attempt.number, instance: options.instanceName }, 'job started');
    try {
      await jobs.run(job, attempt);
    } catch (err) {
      // Agenda records the failure and retries; the person who runs the app sees why.
      log.error({ err, job: { key: job.key, name: job.name } }, 'job failed');
      throw err;
    }
  });
  log.info({ synced }, 'scheduler started');

  let slackConnected = false;
  let stopping: Promise<void> | null = null;
  const server = createHttpServer({
    log,
    ...(slack?.handle ? { slack: slack.handle } : {}),
    teams: teamsBot({ adapter: teams.adapter, authConfig: teams.authConfig, boardConfigured: { single: Boolean(config.BOARD_CHANNEL_ID), boards: config.BOARD_CHANNEL_IDS ?? {} }, production: config.NODE_ENV === 'production', clock, log, store, directory, live, intake, flow, messenger }),
    ready: () => readiness(),
  });
  let port: number;
  try {
    ({ port } = await listen(server, config.PORT, config.HOST));
  } catch (e) {
    await queue.stop();
    await store.close();
    throw new StartError(`Cannot listen on ${config.HOST}:${config.PORT}: ${e instanceof Error ? e.message : String(e)}`);
  }
  log.info({ port, host: config.HOST, policies: catalog.list().length }, `Resolve is listening on http://${config.HOST}:${port}`);
  // The identity guard's language model, the card engine and the cards' templates are needed by
  // turns, not to be ready: loaded a moment after listening (about 1 s of work, in pieces, so not
  // in the way of the first /readyz), or by the first turn that needs them, if it comes sooner.
  // Its line says when it is done: the turn benchmark waits for it, so it measures turns alone.
  const warmUp = setTimeout(() => {
    const began = performance.now();
    loadIdentityGuard();
    void warmCards().then(
      () => log.info({ ms: Math.round(performance.now() - began) }, 'warmed up'),
      (err: unknown) => log.error({ err }, 'the card templates could not be prepared'),
    );
  }, WARM_UP_AFTER_MS);
  warmUp.unref();
  if (slack) {
    // Socket Mode connects out to Slack; over HTTP there is nothing to start.
    slackConnected = await slack.start().then(
      () => true,
      (e: unknown) => (log.error({ err: e }, 'Slack Socket Mode could not connect; Slack is unavailable until it does'), false),
    );
    log.info({ mode: config.SLACK_APP_TOKEN ? 'socket' : 'http' }, 'Slack is on');
  }
  const unwatchJobs = watchJobs(() => queue.status());
  // The doors refresh the directory each turn; this keeps the scheduler's jobs as current.
  const directoryTimer = setInterval(() => void live.refresh().catch((err: unknown) => log.error({ err }, 'the directory could not be refreshed')), DIRECTORY_REFRESH_MS);
  directoryTimer.unref();

  /** /readyz: what a load balancer asks before sending work here. */
  async function readiness() {
    const checks: Record<string, string> = {};
    const jobs = await queue.status().catch(() => null);
    checks.store = await ping(store).then(() => 'ok', (e: unknown) => `the ${store.kind} store cannot be reached: ${e instanceof Error ? e.message : String(e)}`);
    checks.scheduler = !jobs ? 'the job queue cannot be read' : jobs.running ? 'ok' : 'the scheduler is not running';
    checks.teams =
      Boolean(config.BOARD_CHANNEL_ID || config.BOARD_CHANNEL_IDS) !== Boolean(config.BOARD_SERVICE_URL)
        ? 'BOARD_CHANNEL_ID (or BOARD_CHANNEL_IDS) and BOARD_SERVICE_URL must be set together; the Board channel is not configured'
        : 'ok';
    checks.slack = !slack ? 'ok' : config.SLACK_APP_TOKEN && !slackConnected ? 'Slack Socket Mode is not connected' : 'ok';
    if (stopping) checks.process = 'shutting down';
    return {
      ready: Object.values(checks).every((c) => c === 'ok'),
      checks,
      details: {
        store: store.kind,
        jobs: jobs ?? undefined,
        policies: catalog.list().map((p) => p.id),
        channels: channels.map((c) => c.name),
        teams: config.clientId ? 'authenticated' : 'unauthenticated (no bot registration; development only)',
        slack: !slack ? 'off' : config.SLACK_APP_TOKEN ? 'socket mode' : 'http',
        partnership: { name: directory.partnership.name, policy: directory.partnership.policyId },
        directory: live.summary(),
        // A count only: /readyz answers anyone who can reach it; the list is for the business unit
        // (npm run -s cli -- prompts undeliverable).
        undeliverablePrompts: await undeliverableSummary(store, 0).then(({ count }) => ({ count }), () => ({ error: 'cannot be read' })),
      },
    };
  }

  const stop = () =>
    (stopping ??= (async () => {
      // No new connections; requests in progress finish (a turn may be recording a decision).
      clearTimeout(warmUp);
      const { cut } = await closeGracefully(server, REQUEST_GRACE_MS);
      if (cut) log.warn({ graceMs: REQUEST_GRACE_MS }, 'requests still running at shutdown were cut');
      unwatchJobs();
      clearInterval(directoryTimer);
      try {
        await slack?.stop();
        await queue.stop();
      } finally {
        await store.close();
      }
    })());

  return { port, store, cases, queue, jobs, intake, escalations, directory, live, flow, stop };
}
