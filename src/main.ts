/**
 * Composition root: reads settings, loads the procedures and the directory, and serves HTTP.
 * A problem at start-up is one clear line on stderr and exit code 1, never a stack trace.
 */
import { pino } from 'pino';
import { loadDirectoryFile } from './app/directory-file.js';
import { loadPolicyCatalog } from './app/policy-catalog.js';
import { loadConfig } from './config.js';
import { createHttpServer, listen } from './http/server.js';
import { openStore } from './store/open-store.js';

async function main(): Promise<void> {
  const loaded = loadConfig();
  if (!loaded.ok) return fail(loaded.message);
  const config = loaded.config;
  const log = pino({ level: config.LOG_LEVEL, base: { app: 'resolve' } });

  let catalog;
  try {
    catalog = await loadPolicyCatalog({ extraDirs: config.POLICY_DIR ? [config.POLICY_DIR] : [] });
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  const directory = await loadDirectoryFile(config.DIRECTORY_FILE);
  if (!directory.ok) return fail(directory.errors.join('\n'));
  const partnershipPolicy = catalog.get(directory.directory.partnership.policyId);
  if (!partnershipPolicy) {
    return fail(`${config.DIRECTORY_FILE}: partnership.policyId "${directory.directory.partnership.policyId}" is not a known policy (${catalog.list().map((p) => p.id).join(', ')}).`);
  }

  let store;
  try {
    store = await openStore(config);
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  log.info({ store: store.kind }, 'event store ready');

  const server = createHttpServer({
    log,
    health: () => ({
      store: store.kind,
      policies: catalog.list().map((p) => p.id),
      partnership: { name: directory.directory.partnership.name, policy: partnershipPolicy.id },
    }),
  });
  try {
    const { port } = await listen(server, config.PORT, config.HOST);
    log.info({ port, host: config.HOST, policies: catalog.list().length }, `Resolve is listening on http://${config.HOST}:${port}`);
  } catch (e) {
    await store.close();
    return fail(`Cannot listen on ${config.HOST}:${config.PORT}: ${e instanceof Error ? e.message : String(e)}`);
  }

  const stop = (signal: string) => {
    log.info({ signal }, 'stopping');
    server.close(() => {
      store
        .close()
        .catch((err: unknown) => log.error({ err }, 'closing the store failed'))
        .finally(() => process.exit(0));
    });
    // Do not hang on keep-alive connections.
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

function fail(message: string): void {
  process.stderr.write(`Resolve cannot start: ${message}\n`);
  process.exitCode = 1;
}

await main();
