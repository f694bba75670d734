/**
 * The command line: `npm run -s cli -- <command>`. It reads policies and computes deadlines with
 * the same code the bot uses. Errors are one plain line on stderr and a non-zero exit code:
 * 1 when the answer is "no" (an invalid file), 2 when the command itself is wrong.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseDocument } from 'yaml';
import { undeliverableSummary } from '../app/undeliverable.js';
import { headText, verifyAudit, type AuditReport } from '../app/audit.js';
import { loadPolicyCatalog, validatePolicyFile } from '../app/policy-catalog.js';
import { readTextFile } from '../app/read-text-file.js';
import { migratePolicyDocument } from '../domain/policy/migrate.js';
import { parsePolicy } from '../domain/policy/parse.js';
import { loadConfig } from '../config.js';
import { openStore } from '../store/open-store.js';
import { calendarOf, dueInstant, formatHuman, formatIsoLondon } from '../domain/calendar.js';
import { FORMAT_VERSION, Region } from '../domain/policy/schema.js';
import { timescale } from '../domain/policy/rules.js';
import { describeFindings, directoryAllowList, findIdentifying, type TextField } from '../domain/personal-data.js';
import { loadDirectoryFile } from '../app/directory-file.js';
import { describePolicy, tracePolicy } from './describe-policy.js';
import { directoryBindings, directoryImport } from './directory-commands.js';
import { NOT_FROM_CHAT } from '../app/steps/index.js';
import { stepRows, stepsText } from '../app/steps/listing.js';

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
  audit verify [<case ref>] [--head <seq>:<mac>]
                                        check the tamper-evident record of one case or all, and
                                        the anchor chain (exit 1 naming each break); prints the
                                        head to note outside; --head checks one noted earlier
  audit seal                            anchor the cases recorded before anchors existed, once
                                        their chains are checked
  prompts undeliverable [--json]        the prompts that never got through after every try (the
                                        latest 20), with case reference and person id
  directory import <people.csv> [--agencies <agencies.csv>]
                                        check a directory kept as CSV (exit 1 with each problem
                                        and its line) and load it into the store; running apps
                                        use it from their next message
  directory bindings                    the Teams and Slack accounts bound to people by email
  steps [--json]                        the steps a person can take from a card: verb, the domain
                                        command, inputs (required or optional), who may take it,
                                        and how Teams and Slack offer it
  check-text "<text>" [--field case-ref|free-text] [--json]
                                        whether the text identifies a child, as the chat's guard
                                        judges it (exit 1 with what was found)`;

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
    if (cmd === 'directory' && sub === 'import') return await directoryImport(rest, out, err, (m) => new UsageError(m));
    if (cmd === 'directory' && sub === 'bindings') return await directoryBindings(rest, out, (m) => new UsageError(m));
    if (cmd === 'check-text') return await checkText(argv.slice(1), out);
    if (cmd === 'steps') return listSteps(argv.slice(1), out);
    if (cmd === 'audit' && sub === 'seal') return await auditSeal(rest, out, err);
    if (cmd === 'prompts' && sub === 'undeliverable') return await promptsUndeliverable(rest, out);
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
  // The policy's own local holidays count unless another region is asked for.
  const due = dueInstant(from, t, values.region === undefined ? calendarOf(policy) : region);
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

async function openForAudit() {
  const loaded = loadConfig();
  if (!loaded.ok) throw new Error(loaded.message);
  return openStore(loaded.config);
}

/** The prompts that never got through after every try, newest first: for the business unit, not /readyz. */
function listSteps(args: string[], out: (s: string) => void) {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
  out(values.json ? JSON.stringify({ steps: stepRows(), notFromChat: NOT_FROM_CHAT }) : stepsText());
  return 0;
}

async function promptsUndeliverable(args: string[], out: (s: string) => void) {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
  const { store } = await openForAudit();
  try {
    const list = await undeliverableSummary(store, 20);
    if (values.json) out(JSON.stringify(list));
    else {
      out(`${list.count} prompt(s) could not be delivered after every try${list.count ? '; the latest:' : '.'}`);
      for (const r of list.latest) out(`${r.at}  ${r.caseRef ?? '(digest)'}  ${r.kind} to ${r.personId}, ${r.tries} tries`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

async function auditVerify(args: string[], out: (s: string) => void, err: (s: string) => void) {
  const { values, positionals } = parseArgs({ args, options: { head: { type: 'string' } }, allowPositionals: true, strict: true });
  if (positionals.length > 1) throw new UsageError('audit verify takes at most one case reference.');
  if (values.head !== undefined && !/^\d+:[0-9a-f]{64}$/.test(values.head)) throw new UsageError(`--head must be the head "audit verify" printed, <seq>:<64 hex digits>; got "${values.head}".`);
  const { store, hasher } = await openForAudit();
  try {
    const report = await verifyAudit(store, hasher, { ref: positionals[0], notedHead: values.head });
    return printReport(report, out, err);
  } finally {
    await store.close();
  }
}

/** One line per case, then the anchor chain and its head; the number of problems. */
function printReport({ cases, chain }: AuditReport, out: (s: string) => void, err: (s: string) => void) {
  if (chain.keyProblem) {
    err(`Cannot verify: ${chain.keyProblem}.`);
    return 1;
  }
  for (const c of cases) {
    if (c.ok) out(`${c.ref}: ${c.events} events, chain intact`);
    else err(`${c.ref}: ${c.reason}`);
  }
  for (const b of chain.breaks) err(`Anchor chain BROKEN: ${b}`);
  const head = chain.head;
  if (!head) {
    if (cases.length === 0 && chain.breaks.length === 0) out('No cases recorded yet.');
  } else {
    const keyed = head.scheme === 'hmac-sha256' ? `keyed (key ${head.keyId})` : 'NOT keyed (plain SHA-256: it shows accidents, not a rewrite by someone who can write to the database; set AUDIT_KEY)';
    if (chain.breaks.length === 0) out(`Anchor chain: ${head.seq} anchors, intact, ${keyed}`);
    // The one thing the database cannot show is its newest records vanishing whole.
    out(`Head: ${headText(head)}\n  Note it outside the database; "audit verify --head ${headText(head)}" later shows whether anything after it was removed.`);
  }
  return cases.filter((c) => !c.ok).length + chain.breaks.length ? 1 : 0;
}

async function auditSeal(args: string[], out: (s: string) => void, err: (s: string) => void) {
  if (args.length) throw new UsageError('audit seal takes no arguments.');
  const { store, hasher } = await openForAudit();
  try {
    const { cases, chain } = await verifyAudit(store, hasher);
    if (chain.keyProblem || chain.breaks.length) {
      err(`Nothing sealed: the anchor chain itself does not verify (${chain.keyProblem ?? chain.breaks[0]}); run "audit verify".`);
      return 1;
    }
    let refused = 0;
    for (const c of cases) {
      if (c.ok) continue;
      if (!c.sealable) {
        err(`${c.ref}: not sealed: ${c.reason}`);
        refused++;
        continue;
      }
      const anchor = await store.anchorCase(c.ref);
      if (anchor) out(`${c.ref}: anchored at ${anchor.events} events (anchor ${anchor.seq})`);
    }
    if (!refused && cases.every((c) => c.ok)) out('Every case is anchored already.');
    return refused ? 1 : 0;
  } finally {
    await store.close();
  }
}

/** The identity guard on one text, with the directory's names allowed as in the chat. */
async function checkText(args: string[], out: (s: string) => void) {
  const { values, positionals } = parseArgs({ args, options: { field: { type: 'string', default: 'free-text' }, json: { type: 'boolean', default: false } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError('check-text takes one text, in quotes: check-text "Police declined a strategy meeting".');
  if (values.field !== 'case-ref' && values.field !== 'free-text') throw new UsageError(`--field must be case-ref or free-text; got "${values.field}".`);
  const field: TextField = values.field;
  // The same directory as the app (DIRECTORY_FILE, else the demo's): its people's names may appear.
  const loaded = await loadDirectoryFile(process.env.DIRECTORY_FILE || 'demo/directory.yaml');
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  const found = findIdentifying(positionals[0]!, { field, allow: directoryAllowList(loaded.directory), today: new Date() });
  if (values.json) out(JSON.stringify({ identifying: found.length > 0, found }));
  else out(found.length ? `It identifies a child: ${describeFindings(found)}.` : 'Nothing in it identifies a child.');
  return found.length ? 1 : 0;
}

function extraDirs() {
  return { extraDirs: process.env.POLICY_DIR ? [process.env.POLICY_DIR] : [] };
}
