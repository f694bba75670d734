/**
 * The process: reads settings (the environment, then a `.env` file in the current directory for
 * anything the environment does not set), starts the app, and stops it cleanly on SIGTERM or SIGINT
 * (running jobs drain first). A problem at start-up is one clear line on stderr and exit code 1,
 * never a stack trace.
 */
import { enableCompileCache } from 'node:module';

// Node keeps the code it compiles for each module in a cache (in the system's temporary
// directory, or NODE_COMPILE_CACHE), so later starts skip compiling the app and its SDKs again:
// about a sixth of the time spent importing them. It must be on before they are imported, hence
// the dynamic imports below.
enableCompileCache();
const { loadConfig } = await import('./config.js');

/** Longer than the scheduler's drain, shorter than a supervisor's patience. */
const STOP_TIMEOUT_MS = 9000;

async function main(): Promise<void> {
  try {
    // Node's own reader: a variable already in the environment is never replaced by the file's.
    process.loadEnvFile('.env');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return fail(`.env cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
  const loaded = loadConfig();
  if (!loaded.ok) return fail(loaded.message);
  // The embedded database starts on its own thread now, while the app's modules load (about a
  // second of a first start each; see BENCHMARKS.md). A server store is opened by the app itself.
  const store = loaded.config.DATABASE_URL ? undefined : (await import('./store/open-store.js')).openStore(loaded.config);
  store?.catch(() => undefined); // reported by startApp, which awaits it
  const { StartError, startApp } = await import('./start-app.js');
  let app;
  try {
    app = await startApp(loaded.config, store ? { store } : {});
  } catch (e) {
    // A StartError is the person's to fix; anything else is still one line, not a stack trace.
    return fail(e instanceof StartError || e instanceof Error ? e.message : String(e));
  }
  const stop = () => {
    setTimeout(() => process.exit(1), STOP_TIMEOUT_MS).unref();
    app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`Resolve did not stop cleanly: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function fail(message: string): void {
  process.stderr.write(`Resolve cannot start: ${message}\n`);
  process.exitCode = 1;
}

await main();
