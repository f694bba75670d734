/**
 * The command line: `npm run -s cli -- <command>`. It reads policies and computes deadlines with
 * the same code the bot uses. Errors are one plain line on stderr and a non-zero exit code:
 * 1 when the answer is "no" (an invalid file), 2 when the command itself is wrong.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseDocument } from 'yaml';
import { verifyChain } from '../app/audit.js';
import { loadPolicyCatalog, validatePolicyFile } from '../app/policy-catalog.js';
import { readTextFile } from '../app/read-text-file.js';
import { migratePolicyDocument } from '../domain/policy/migrate.js';
import { parsePolicy } from '../domain/policy/parse.js';
import { loadConfig } from '../config.js';
import { openStore } from '../store/open-store.js';
import { dueInstant, formatHuman, formatIsoLondon } from '../domain/calendar.js';
import { FORMAT_VERSION, Region } from '../domain/policy/schema.js';
import { timescale } from '../domain/policy/rules.js';
import { describePolicy, tracePolicy } from './describe-policy.js';

const USAGE = `Usage: npm run -s cli -- <command>

  policies list                         one line per policy: id, name, number of stages
  policies show <id>                    the whole procedure, with the source of every rule
  policies trace <id>                   rule by rule: the document's sentence, what it is encoded
                                        as, and any assumption (the docs/procedures page)
  policies validate <file>              check a policy file (exit 1 with the problems, each with
                                        its line and column)
  policies migrate <file>               rewrite a file of an older format in the current one
                                        (only if the result is valid; comments are kept)
  deadline --policy <id> --stage <n> --from <ISO instant>
           [--region england-and-wales|scotland|northern-ireland|jersey|guernsey|isle-of-man] [--json]
                                        when the stage's response is due
  audit verify [<case ref>]             re-compute the tamper-evident chain of one case or all
                                        (exit 1 naming the first broken link)`;

class UsageError extends Error {}

export async function run(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  try {
    const [cmd, sub, ...rest] = argv;
    if (cmd === 'policies' && sub === 'list') return await policiesList(out);
    if (cmd === 'policies' && sub === 'show') return await policiesShow(rest, out);
    if (cmd === 'policies' && sub === 'trace') return await policiesShow(rest, out, tracePolicy);
    if (cmd === 'policies' && sub === 'validate') return await policiesValidate(rest, out, err);
    if (cmd === 'policies' && sub === 'migrate') return await policiesMigrate(rest, out, err);
    if (cmd === 'deadline') return await deadline(argv.slice(1), out);
    if (cmd === 'audit' && sub === 'verify') return await auditVerify(rest, out, err);
    if (cmd === 'help' || cmd === '--help' || cmd === undefined) {
      out(USAGE);
      return cmd === undefined ? 2 : 0;
    }
    throw new UsageError(`Unknown command "${argv.join(' ')}".`);
  } catch (e) {
    // parseArgs reports unknown or malformed options with an ERR_PARSE_ARGS_* code.
    const code = (e as { code?: unknown } | null)?.code;
    if (e instanceof UsageError || String(code).startsWith('ERR_PARSE_ARGS')) {
      err(`${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
      return 2;
    }
    err(e instanceof Error ? e.message : String(e));
    return 1;
  }
}

async function policiesList(out: (s: string) => void) {
  const catalog = await loadPolicyCatalog(extraDirs());
  for (const p of catalog.list()) out(`${p.id.padEnd(16)} ${p.name} (${p.stages.length} stages)`);
  return 0;
}

async function policiesShow(args: string[], out: (s: string) => void, render = describePolicy) {
  const id = args[0];
  if (!id) throw new UsageError('Which policy? Give its id, e.g. "policies show bscb".');
  const catalog = await loadPolicyCatalog(extraDirs());
  const policy = catalog.get(id);
  if (!policy) throw new UsageError(`No policy "${id}". Known: ${catalog.list().map((p) => p.id).join(', ')}.`);
  out(render(policy));
  return 0;
}

async function policiesValidate(args: string[], out: (s: string) => void, err: (s: string) => void) {
  const file = args[0];
  if (!file) throw new UsageError('Which file? e.g. "policies validate my-partnership.yaml".');
  const result = await validatePolicyFile(file);
  if (!result.ok) {
    for (const m of result.errors) err(m);
    return 1;
  }
  out(`${file}: valid policy "${result.policy.id}" version ${result.policy.version} (${result.policy.stages.length} stages)`);
  return 0;
}

/** Rewrites the file in place, only when the migrated policy is valid: a failed migration changes nothing. */
async function policiesMigrate(args: string[], out: (s: string) => void, err: (s: string) => void) {
  const file = args[0];
  if (!file) throw new UsageError('Which file? e.g. "policies migrate my-partnership.yaml".');
  const read = await readTextFile(file);
  if (!read.ok) {
    for (const m of read.errors) err(m);
    return 1;
  }
  const doc = parseDocument(read.text);
  if (doc.errors.length) {
    // parsePolicy words the YAML error with its line and column.
    const r = parsePolicy(file, read.text);
    for (const m of r.ok ? [`${file}: not valid YAML`] : r.errors) err(m);
    return 1;
  }
  const from = migratePolicyDocument(doc);
  if (from === FORMAT_VERSION) {
    out(`${file}: already in format ${FORMAT_VERSION}; nothing to do.`);
    return 0;
  }
  if (from === undefined || from > FORMAT_VERSION) {
    err(`${file}: formatVersion: not a format this version knows (it knows 1 to ${FORMAT_VERSION}); the file is unchanged.`);
    return 1;
  }
  const text = file.endsWith('.json') ? `${JSON.stringify(doc.toJS(), null, 2)}\n` : doc.toString({ lineWidth: 0 });
  const checked = parsePolicy(file, text);
  if (!checked.ok) {
    for (const m of checked.errors) err(m);
    err(`${file}: the migrated policy is not valid, so the file is unchanged.`);
    return 1;
  }
  await writeFile(file, text, 'utf8');
  out(`${file}: migrated from format ${from} to ${FORMAT_VERSION} (policy "${checked.policy.id}" version ${checked.policy.version}).`);
  return 0;
}

async function deadline(args: string[], out: (s: string) => void) {
  const { values } = parseArgs({
    args,
    options: {
      policy: { type: 'string' },
      stage: { type: 'string' },
      from: { type: 'string' },
      region: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.policy || !values.stage || !values.from) throw new UsageError('deadline needs --policy, --stage and --from.');
  const catalog = await loadPolicyCatalog(extraDirs());
  const policy = catalog.get(values.policy);
  if (!policy) throw new UsageError(`No policy "${values.policy}". Known: ${catalog.list().map((p) => p.id).join(', ')}.`);
  const n = Number(values.stage);
  const stage = Number.isInteger(n) ? policy.stages[n - 1] : undefined;
  if (!stage) throw new UsageError(`${policy.name} has stages 1 to ${policy.stages.length}; "${values.stage}" is not one of them.`);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(values.from) || Number.isNaN(Date.parse(values.from))) {
    throw new UsageError(`--from must be an ISO 8601 instant with a time zone, e.g. 2026-12-24T15:00:00Z; got "${values.from}".`);
  }
  const region = values.region === undefined ? policy.region : Region.safeParse(values.region).data;
  if (!region) throw new UsageError(`--region must be one of ${Region.options.join(', ')}.`);
  const from = new Date(values.from);
  const t = stage.response;
  const due = dueInstant(from, t, region);
  if (values.json) {
    out(
      JSON.stringify({
        policy: policy.id,
        stage: stage.number,
        region,
        from: formatIsoLondon(from),
        due: due ? formatIsoLondon(due) : null,
        ...(t.kind === 'working-days' ? { workingDays: t.days } : t.kind === 'calendar-days' ? { calendarDays: t.days } : t.kind === 'hours' ? { hours: t.hours } : { note: t.note }),
      }),
    );
    return 0;
  }
  if (!due || t.kind === 'none') {
    out(`Stage ${stage.number} (${stage.name}) has no fixed timescale: ${t.kind === 'none' ? t.note : ''}`);
    return 0;
  }
  // --from is the instant the timescale counts from (the stage's, the case's or an earlier stage's opening).
  out(`${formatIsoLondon(due)}  (${formatHuman(due)}, ${timescale(t)} after ${formatHuman(from)}, ${region})`);
  return 0;
}

async function auditVerify(args: string[], out: (s: string) => void, err: (s: string) => void) {
  if (args.length > 1) throw new UsageError('audit verify takes at most one case reference.');
  const loaded = loadConfig();
  if (!loaded.ok) throw new Error(loaded.message);
  const { store } = await openStore(loaded.config);
  try {
    const refs = args[0] ? [args[0]] : await store.caseRefs();
    let broken = 0;
    for (const ref of refs) {
      const events = await store.load(ref);
      if (events.length === 0) {
        err(`${ref}: no such case`);
        broken++;
        continue;
      }
      const check = verifyChain(ref, events);
      if (check.ok) out(`${ref}: ${check.events} events, chain intact`);
      else {
        err(`${ref}: BROKEN at event ${check.seq}: ${check.reason}`);
        broken++;
      }
    }
    if (refs.length === 0) out('No cases recorded yet.');
    return broken ? 1 : 0;
  } finally {
    await store.close();
  }
}

function extraDirs() {
  return { extraDirs: process.env.POLICY_DIR ? [process.env.POLICY_DIR] : [] };
}
