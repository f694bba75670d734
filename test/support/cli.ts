/** Runs the command line in-process, through the same `run` that `npm run cli` calls. */
import { run } from '../../src/cli/run.js';

export async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}
