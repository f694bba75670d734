/**
 * The guard that keeps a child's identity out of the chat and the record. Every piece of text a
 * person types (the case reference, and every free-text field: the decision challenged, the aim,
 * the reflections, replies, responses, comments, reasons, outcomes, notes) is checked here
 * before it is relayed or stored. What it finds is shown to the person who typed it, with the
 * matched words, and nothing is recorded until they rewrite it.
 *
 * Two modes. `case-ref` is strict: a reference is an agency system's code ("CSC-1234",
 * "LL/2026/0042"), so any name-like word is refused. `free-text` is professional prose, where
 * names of directory staff (the allow-list), agency names, role titles, meeting dates and
 * deadlines must pass. It is a heuristic by design and errs towards asking again, which costs a
 * rewritten sentence; what it looks for, and why:
 * - names in any case or order: first names and surnames known to `compromise` or the UK lists
 *   in person-names.ts, capitalised words beside them, "Smith, Jayden", "baby of ...", a name
 *   after "Mum", "Mr", "called", a name beside an age; allowed: directory people, a name after a
 *   professional title ("Dr", "DS") or followed by a role ("(team manager)", ", the DSL");
 * - dates of birth: a full date more than a year before today, or any date after "DOB", "born",
 *   "date of birth"; recent and future dates (meetings, deadlines, review dates) pass;
 * - NHS and CHI numbers: any ten digits as 3-3-4 or unbroken, whatever the check digit, since a
 *   mistyped number identifies a child as well;
 * - full UK postcodes and street addresses ("14 Elm Road", "Flat 3").
 */
import { createRequire } from 'node:module';
import type nlpType from 'compromise';
import type { Directory } from './directory.js';
import { AMBIGUOUS_NAMES, GIVEN_NAMES, NICKNAMES, SURNAMES } from './person-names.js';

// compromise is loaded on first use, not at start-up (about 0.3 s, most of it its lexicon): the
// app warms it up once it is ready (start-app.ts), a CLI command when it first checks text.
let nlpLoaded: typeof nlpType | undefined;
const nlp = (): typeof nlpType => (nlpLoaded ??= createRequire(import.meta.url)('compromise') as typeof nlpType);
let lexiconLoaded: Record<string, string> | undefined;
const lexicon = () => (lexiconLoaded ??= (nlp().model() as { one: { lexicon: Record<string, string> } }).one.lexicon);

/** Loads the language model now, so the first check does not wait for it. */
export function loadIdentityGuard(): void {
  lexicon();
}

export type IdentityKind = 'name' | 'date-of-birth' | 'age' | 'nhs-number' | 'chi-number' | 'postcode' | 'address';
export type Finding = { kind: IdentityKind; text: string };
export type TextField = 'case-ref' | 'free-text';

/** Names that may appear: the directory's people (professionals) and agencies, lower-cased. */
export type AllowList = { names: ReadonlySet<string>; parts: ReadonlySet<string> };

export const EMPTY_ALLOW_LIST: AllowList = { names: new Set(), parts: new Set() };

/** Titles that mark a professional, never a child or a parent. */
const PROFESSIONAL_TITLES = new Set(['dr', 'dc', 'ds', 'di', 'dci', 'dsi', 'pc', 'psc', 'sgt', 'insp', 'supt', 'prof', 'professor', 'cllr', 'judge', 'hhj', 'sister', 'nurse', 'rev']);
const PERSONAL_TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'master', 'mx']);

/** The allow-list of a directory's names (people, agencies, the partnership). */
export function allowListOf(names: Iterable<string>): AllowList {
  const full = new Set<string>();
  const parts = new Set<string>();
  for (const name of names) {
    const ws = wordsOf(name).filter((w, i) => !(i === 0 && (PROFESSIONAL_TITLES.has(w) || PERSONAL_TITLES.has(w))));
    if (!ws.length) continue;
    full.add(ws.join(' '));
    ws.forEach((w) => parts.add(w));
  }
  return { names: full, parts };
}

/** A directory's names that free text may carry: its people (professionals), agencies and partnership. */
export function directoryAllowList(directory: Directory): AllowList {
  return allowListOf([directory.partnership.name, ...directory.agencies.map((a) => a.name), ...directory.people.map((p) => p.name)]);
}

const wordsOf = (s: string) => s.toLowerCase().replace(/[’']s\b/g, '').split(/[^\p{L}'’-]+/u).filter(Boolean);

export type GuardOptions = { field: TextField; allow?: AllowList; today: Date };

/** Everything in the text that looks like it identifies a child, in order of appearance. */
export function findIdentifying(text: string, options: GuardOptions): Finding[] {
  const found: (Finding & { at: number })[] = [];
  const taken: [number, number][] = [];
  const add = (kind: IdentityKind, at: number, matched: string) => {
    const end = at + matched.length;
    if (taken.some(([s, e]) => at < e && end > s)) return;
    taken.push([at, end]);
    found.push({ kind, text: matched.trim(), at });
  };
  for (const f of tenDigitNumbers(text)) add(f.kind, f.at, f.text);
  for (const f of datesOfBirth(text, options)) add('date-of-birth', f.at, f.text);
  for (const f of postcodes(text)) add('postcode', f.at, f.text);
  for (const f of addresses(text)) add('address', f.at, f.text);
  for (const f of names(text, options, taken)) add(f.kind, f.at, f.text);
  return found.sort((a, b) => a.at - b.at).map(({ kind, text: t }) => ({ kind, text: t }));
}

const LABEL: Record<IdentityKind, string> = {
  name: 'a name',
  'date-of-birth': 'a date of birth',
  age: 'an age beside a name',
  'nhs-number': 'an NHS number',
  'chi-number': 'a CHI number',
  postcode: 'a postcode',
  address: 'an address',
};

/** What was found, in words: `a name ("Jayden Smith"), a date of birth ("12/03/2015")`. */
export function describeFindings(found: Finding[]): string {
  return found.map((f) => `${LABEL[f.kind]} ("${f.text}")`).join(', ');
}

/** The plain refusal a person sees: what was found, and what to do instead. */
export function identifyingMessage(found: Finding[], field: TextField): string {
  const what = describeFindings(found);
  const instead =
    field === 'case-ref'
      ? 'Give your agency’s reference for the child’s record instead (for example CSC-104233).'
      : 'Use the case reference instead, and rewrite it.';
  return `This looks like it identifies a child: ${what}. Nothing was sent or recorded. ${instead}`;
}

// --- Numbers -------------------------------------------------------------------------------

type Hit = { at: number; text: string };

/** A valid NHS number: ten digits whose last is the modulus-11 check digit of the first nine. */
function nhsChecksumValid(digits: string): boolean {
  const sum = [...digits.slice(0, 9)].reduce((acc, d, i) => acc + Number(d) * (10 - i), 0);
  const check = 11 - (sum % 11);
  const expected = check === 11 ? 0 : check;
  return expected !== 10 && expected === Number(digits[9]);
}

function validDay(d: number, m: number, y: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Ten digits, as 3-3-4, 6-4 or unbroken: an NHS number, or a CHI number (DDMMYY and four). */
function tenDigitNumbers(text: string): (Hit & { kind: 'nhs-number' | 'chi-number' })[] {
  const hits: (Hit & { kind: 'nhs-number' | 'chi-number' })[] = [];
  const re = /(?<![\d/-])(?:\d{3}[ -]?\d{3}[ -]?\d{4}|\d{6}[ -]\d{4})(?![\d/-])/g;
  for (const m of text.matchAll(re)) {
    const digits = m[0].replace(/\D/g, '');
    const before = text.slice(Math.max(0, m.index - 16), m.index).toLowerCase();
    const dateLike = validDay(Number(digits.slice(0, 2)), Number(digits.slice(2, 4)), 2000 + Number(digits.slice(4, 6)));
    const chi = /\bchi\b/.test(before) || (dateLike && !nhsChecksumValid(digits) && !/\bnhs\b/.test(before));
    hits.push({ at: m.index, text: m[0], kind: chi ? 'chi-number' : 'nhs-number' });
  }
  return hits;
}

// --- Dates ---------------------------------------------------------------------------------

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const DAY = '(\\d{1,2})(?:st|nd|rd|th)?';
const YEAR = '((?:19|20)\\d{2})';
const monthOf = (s: string) => MONTHS.indexOf(s.slice(0, 3).toLowerCase()) + 1;
/** Words that say the date next to them is a birth date. */
const BIRTH_CUE = /\b(d\.?\s?o\.?\s?b\.?|date of birth|born|birthday|b\.)\s*[:\-–]?\s*(on\s+|in\s+)?(the\s+)?$/i;

type DateHit = Hit & { year?: number; month?: number; day?: number };

function dateShapes(text: string): DateHit[] {
  const hits: DateHit[] = [];
  const push = (at: number, t: string, day: number | undefined, month: number, year: number | undefined) => {
    if (day !== undefined && !validDay(day, month, year ?? 2000)) return;
    hits.push({ at, text: t, ...(day !== undefined ? { day } : {}), month, ...(year !== undefined ? { year } : {}) });
  };
  const century = (y: string) => (y.length === 4 ? Number(y) : 2000 + Number(y));
  for (const m of text.matchAll(/(?<!\d|\d[/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?!\d|[/.-]\d)/g)) push(m.index, m[0], Number(m[1]), Number(m[3]), century(m[4]!));
  for (const m of text.matchAll(/(?<!\d|\d[/.-])((?:19|20)\d{2})([/.-])(\d{1,2})\2(\d{1,2})(?!\d|[/.-]\d)/g)) push(m.index, m[0], Number(m[4]), Number(m[3]), Number(m[1]));
  for (const m of text.matchAll(/(?<!\d)(\d{2})(\d{2})((?:19|20)\d{2})(?!\d)/g)) push(m.index, m[0], Number(m[1]), Number(m[2]), Number(m[3]));
  for (const m of text.matchAll(new RegExp(`\\b${DAY}\\s+(?:of\\s+)?${MONTH}(?:,?\\s+${YEAR})?\\b`, 'gi'))) {
    push(m.index, m[0], Number(m[1]), monthOf(m[2]!), m[3] ? Number(m[3]) : undefined);
  }
  for (const m of text.matchAll(new RegExp(`\\b${MONTH}\\s+${DAY}(?:,?\\s+${YEAR})?\\b`, 'gi'))) push(m.index, m[0], Number(m[2]), monthOf(m[1]!), m[3] ? Number(m[3]) : undefined);
  for (const m of text.matchAll(new RegExp(`\\b${MONTH}\\s+${YEAR}\\b`, 'gi'))) push(m.index, m[0], undefined, monthOf(m[1]!), Number(m[2]));
  for (const m of text.matchAll(new RegExp(`\\b${YEAR}\\b`, 'g'))) hits.push({ at: m.index, text: m[0], year: Number(m[1]) });
  // The longest shape wins where two overlap ("12 March 2015" over "March 2015" and "2015").
  return hits
    .sort((a, b) => b.text.length - a.text.length)
    .filter((h, i, all) => !all.slice(0, i).some((o) => h.at < o.at + o.text.length && h.at + h.text.length > o.at));
}

/**
 * A birth date: any date after a birth cue; else a whole date (day, month and year) more than a
 * year before today. Meetings, deadlines and review dates are recent or ahead, and a month and
 * year alone ("October 2025") or a year alone ("since 2019") says when, not who.
 */
function datesOfBirth(text: string, { today, field }: GuardOptions): Hit[] {
  const yearAgo = Date.UTC(today.getUTCFullYear() - 1, today.getUTCMonth(), today.getUTCDate());
  return dateShapes(text).filter((d) => {
    const before = text.slice(Math.max(0, d.at - 24), d.at);
    if (BIRTH_CUE.test(before)) return true;
    if (d.day === undefined || d.month === undefined || d.year === undefined) return false;
    // "the referral on 14/06/2019", "known since 2 May 2018": an event in the case's history.
    if (field === 'free-text' && /\b(on|since|from|until|till|to|between|and|dated|of|in|by|before|after|received|made|held|opened|closed|seen|visited|referred|sent|logged|recorded)\s+(the\s+)?$/i.test(before)) return false;
    // In a case reference any whole date is refused: a reference has no business carrying one.
    return field === 'case-ref' || Date.UTC(d.year, d.month - 1, d.day) < yearAgo;
  });
}

// --- Places --------------------------------------------------------------------------------

function postcodes(text: string): Hit[] {
  const re = /\b([A-Z]{1,2}\d[A-Z\d]?) ?(\d[ABD-HJLNP-UW-Z]{2})\b/gi;
  return [...text.matchAll(re)].filter((m) => !(/^\d(st|nd|rd|th)$/.test(m[2]!) && m[1] !== m[1]!.toUpperCase())).map((m) => ({ at: m.index, text: m[0] }));
}

const STREET = 'road|rd|street|st|avenue|ave|lane|close|drive|way|crescent|court|gardens|place|terrace|grove|walk|hill|rise|mews|square|row|parade|view|green|park';

function addresses(text: string): Hit[] {
  const numbered = new RegExp(`\\b\\d{1,4}[a-z]?,?\\s+(?:[a-z][a-z'’]+\\s+){1,3}(?:${STREET})\\b\\.?`, 'gi');
  const flat = /\b(?:flat|apartment|apt)\s+\d+[a-z]?\b/gi;
  return [...text.matchAll(numbered), ...text.matchAll(flat)].map((m) => ({ at: m.index, text: m[0] }));
}

// --- Names ---------------------------------------------------------------------------------

/** Words before a name that make it a child's or a relative's. */
const FAMILY = new Set([
  'mum', 'mummy', 'mother', 'mom', 'father', 'dad', 'daddy', 'stepdad', 'stepmum', 'stepfather', 'stepmother', 'brother',
  'sister', 'sibling', 'nan', 'nana', 'nanny', 'gran', 'granny', 'grandma', 'grandmother', 'grandad', 'grandfather',
  'aunt', 'auntie', 'uncle', 'cousin', 'partner', 'boyfriend', 'girlfriend', 'baby', 'child', 'son', 'daughter', 'pupil',
  'twin', 'called', 'named', 'nicknamed', 'aka', 'name', 'subject', 'little', 'young',
]);
const FAMILY_GROUP = new Set(['family', 'families', 'children', 'household', 'siblings', 'twins', 'boys', 'girls', 'kids']);
/** Words after a capitalised word that make it an organisation or a place, not a person. */
const ORGANISATION = new Set([
  'school', 'academy', 'college', 'nursery', 'primary', 'secondary', 'high', 'infant', 'junior', 'university', 'council',
  'trust', 'hospital', 'clinic', 'surgery', 'practice', 'centre', 'center', 'house', 'lodge', 'court', 'police', 'team',
  'service', 'services', 'project', 'hub', 'unit', 'board', 'partnership', 'ward', 'health', 'care', 'foundation', 'group',
  'road', 'street', 'avenue', 'lane', 'close', 'drive', 'estate', 'park', 'city', 'county', 'borough', 'district', 'aid',
]);
/** Role words after a name that mark a professional ("Priya Shah (team manager)", "Ann Lee, DSL"). */
const ROLE = /^[\s,(–-]*(the\s+|our\s+|a\s+|their\s+)?(team manager|service manager|manager|social worker|sw|dsl|deputy dsl|designated safeguarding lead|safeguarding lead|health visitor|hv|school nurse|nurse|named nurse|named doctor|midwife|gp|paediatrician|consultant|teacher|class teacher|head teacher|headteacher|deputy head|senco|tutor|head of year|iro|lado|officer|police officer|detective|sergeant|constable|inspector|practitioner|key worker|family support worker|support worker|chair|lead|director|psychologist|therapist|solicitor|probation officer|housing officer|youth worker|camhs|from)\b(?=\s*[),.;:]|\s*$|\s+(?:at|from|for|in|who|said|says|has|had|is|was|will|would|agreed|confirmed|thinks|feels|the))/i;

type Term = { text: string; lower: string; start: number; end: number; tags: Set<string>; pre: string; post: string; sentenceStart: boolean };

function termsOf(text: string): Term[] {
  const doc = nlp()(text);
  const sentences = doc.json({ offset: true }) as { terms: { text: string; pre: string; post: string; tags: string[]; offset: { start: number; length: number } }[] }[];
  const out: Term[] = [];
  for (const s of sentences) {
    s.terms.forEach((t, i) => {
      const word = t.text.replace(/[’']s$/i, '');
      if (!/\p{L}/u.test(word)) return;
      const start = t.offset.start;
      const prev = s.terms[i - 1];
      // A word after a colon, a dash or a bracket starts a phrase of its own ("Re: Smith").
      const sentenceStart = i === 0 || /[:;–—(\n]|^-|\s-\s*$/.test(`${prev?.post ?? ''}${t.pre}`);
      out.push({ text: word, lower: word.toLowerCase(), start, end: start + word.length, tags: new Set(t.tags), pre: t.pre, post: t.post, sentenceStart });
    });
  }
  return out;
}

const isCap = (t: Term) => /^\p{Lu}/u.test(t.text);
const isAllCaps = (t: Term) => /^[\p{Lu}'’-]+$/u.test(t.text) && t.text.length > 1;
/** Everyday words compromise knows as something other than a name. */
const COMMON_TAGS = ['Verb', 'Adjective', 'Adverb', 'Determiner', 'Preposition', 'Conjunction', 'Pronoun', 'Month', 'WeekDay', 'Date', 'Value', 'Place', 'Organization', 'QuestionWord', 'Expression', 'Negative', 'Plural'];
const NAME_TAGS = new Set(['FirstName', 'MaleName', 'FemaleName', 'LastName', 'Person', 'Honorific']);

function lexiconWord(lower: string): boolean {
  const tag = lexicon()[lower];
  return tag !== undefined && !NAME_TAGS.has(tag);
}

function isGiven(t: Term): boolean {
  if (t.lower.includes('-')) return t.lower.split('-').some((p) => GIVEN_NAMES.has(p));
  return GIVEN_NAMES.has(t.lower) || NICKNAMES.has(t.lower) || t.tags.has('FirstName') || t.tags.has('MaleName') || t.tags.has('FemaleName');
}
const isSurname = (t: Term) => SURNAMES.has(t.lower) || t.tags.has('LastName');
/** A given name that is also an everyday word counts only with a capital inside a sentence. */
const ambiguous = (t: Term) => AMBIGUOUS_NAMES.has(t.lower) || (lexiconWord(t.lower) && !GIVEN_NAMES.has(t.lower));
const commonWord = (t: Term) => lexiconWord(t.lower) || COMMON_TAGS.some((tag) => t.tags.has(tag));

/** How strongly a word reads as part of a person's name: 2 surely, 1 if beside another, 0 not. */
function nameWeight(t: Term, next: Term | undefined): 0 | 1 | 2 {
  if (t.text.length < 2) return 0;
  const given = isGiven(t);
  const surname = isSurname(t);
  if (given && !ambiguous(t)) return 2;
  if ((given || surname) && isCap(t) && !isAllCaps(t) && !t.sentenceStart) return 2;
  // At the start of a sentence, a name known to compromise in context, before a verb ("Jack was seen", not "Grace period").
  if (given && isCap(t) && t.tags.has('Person') && !COMMON_TAGS.some((tag) => t.tags.has(tag)) && next?.tags.has('Verb')) return 2;
  if (given || surname) return 1;
  // An unknown capitalised word (not an acronym, not an everyday word) may be a name.
  if (isCap(t) && !commonWord(t) && !(isAllCaps(t) && t.text.length <= 5)) return 1;
  return 0;
}

/** Two words are joined in one name when only a space (or a hyphen) separates them. */
const joined = (a: Term, b: Term) => /^\s*$/.test(a.post + b.pre) && a.post.length > 0;

function names(text: string, options: GuardOptions, taken: [number, number][]): (Hit & { kind: IdentityKind })[] {
  const terms = termsOf(text).filter((t) => !taken.some(([s, e]) => t.start < e && t.end > s));
  if (options.field === 'case-ref') return refNames(text, terms);
  const allow = options.allow ?? EMPTY_ALLOW_LIST;
  const hits: (Hit & { kind: IdentityKind })[] = [];
  const flagged = new Set<number>();
  const flag = (from: number, to: number, kind: IdentityKind = 'name') => {
    const span = terms.slice(from, to + 1);
    if (span.some((_, k) => flagged.has(from + k))) return;
    if (allowed(span, terms[from - 1], text.slice(span[span.length - 1]!.end), allow)) return;
    span.forEach((_, k) => flagged.add(from + k));
    hits.push({ at: span[0]!.start, text: text.slice(span[0]!.start, span[span.length - 1]!.end), kind });
  };
  const weights = terms.map((t, i) => nameWeight(t, terms[i + 1]));

  // Surname first, before the words are taken one by one.
  terms.forEach((t, i) => {
    const next = terms[i + 1];
    const after = terms[i + 2];
    // "Smith, Jayden": a surname, a comma, a given name.
    if (next && isSurname(t) && /^,\s*$/.test(t.post) && isGiven(next) && (isCap(next) || !isCap(t))) flag(i, i + (after && weights[i + 2]! > 0 && joined(next, after) ? 2 : 1));
    // "SMITH Jayden": a surname in capitals before a given name.
    if (next && isAllCaps(t) && isSurname(t) && isGiven(next) && joined(t, next)) flag(i, i + 1);
  });

  // Runs of name-like words: a run of two or more with a sure name part is a name.
  for (let i = 0; i < terms.length; ) {
    let j = i;
    while (j + 1 < terms.length && weights[j]! > 0 && weights[j + 1]! > 0 && joined(terms[j]!, terms[j + 1]!)) j++;
    const run = weights.slice(i, j + 1);
    const next = terms[j + 1];
    const organisation = next && ORGANISATION.has(next.lower) && isCap(next);
    if (j > i && !organisation && run.some((w) => w === 2) && terms.slice(i, j + 1).some((t) => isGiven(t) || isSurname(t) || isCap(t))) flag(i, j);
    else if (j === i && weights[i] === 2 && isGiven(terms[i]!) && !organisation) flag(i, i);
    i = j + 1;
  }

  terms.forEach((t, i) => {
    const next = terms[i + 1];
    const after = terms[i + 2];
    // "Mum, Kelly", "baby of kelly jones", "called Bex", "the 3-year-old, Leo": a word after a family word.
    const family = FAMILY.has(t.lower) || (t.lower === 'of' && /^baby$/i.test(terms[i - 1]?.lower ?? '')) || /\d+[\s-]*(year|yr|month)s?[\s-]*old$/i.test(t.text);
    if (family && next && (weights[i + 1]! > 0) && (isCap(next) || isGiven(next) || isSurname(next)) && /^[\s,:(]*$/.test(t.post + next.pre)) {
      flag(i + 1, i + 1 + (after && weights[i + 2]! > 0 && joined(next, after) ? 1 : 0));
    }
    // "Mr Smith", "Baby Harris".
    if (next && (PERSONAL_TITLES.has(t.lower.replace(/\.$/, '')) || t.lower === 'baby') && isCap(next) && !commonWord(next)) flag(i + 1, i + 1);
    // "the Smith family", "the Fletcher children".
    if (next && t.lower === 'the' && isCap(next) && weights[i + 1]! > 0 && after && FAMILY_GROUP.has(after.lower)) flag(i + 1, i + 1);
  });

  // An age beside a name-like word: "Jayden, 7,", "Olivia (aged 4)", "Riley, aged twelve".
  const AGE = /^[\s,(]*(?:aged?\s+)?(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)(?:\s*(?:months?|years?|yrs?|yo)(?:[\s-]*old)?)?\s*[),]/i;
  const AGE_WORDS = /^[\s,(]*(?:aged?\s+\d{1,2}|aged?\s+[a-z]+|\d{1,2}\s*(?:months?|years?|yrs?)[\s-]*old|is\s+(?:an?\s+)?\d{1,2}[\s-]*(?:years?|yrs?|months?)[\s-]*old|who\s+is\s+\d{1,2}(?:\s+years?\s+old)?)/i;
  terms.forEach((t, i) => {
    if (!weights[i] || (t.sentenceStart && !isGiven(t) && !isSurname(t))) return;
    const rest = text.slice(t.end);
    const age = AGE.exec(rest) ?? AGE_WORDS.exec(rest);
    if (!age) return;
    flag(i, i);
    if (flagged.has(i)) hits.push({ at: t.end, text: age[0].replace(/^[\s,(]+|[\s,)]+$/g, ''), kind: 'age' });
  });
  return hits;
}

/** Whether a name-like span is someone the text may name: directory staff, or a professional by title or role. */
function allowed(span: Term[], before: Term | undefined, rest: string, allow: AllowList): boolean {
  const words = span.map((t) => t.lower);
  if (allow.names.has(words.join(' '))) return true;
  if (words.every((w) => allow.parts.has(w)) && (words.length === 1 || allow.names.has(words.join(' ')))) return true;
  if (before && PROFESSIONAL_TITLES.has(before.lower.replace(/\.$/, '')) && isCap(before)) return true;
  // "Anna at the school", "Kelly from Women's Aid": someone speaking for an organisation.
  const forOrganisation = /^\s+(from|at)\s+(the\s+)?(\p{Lu}|(school|surgery|practice|hospital|nursery|council|police|clinic|team|service)\b)/u.test(rest);
  return (ROLE.test(rest) || forOrganisation) && span.every(isCap);
}

/** A case reference is a code: any word in it that reads as a name (or is not a code) is refused. */
function refNames(text: string, terms: Term[]): (Hit & { kind: IdentityKind })[] {
  const REF_WORDS = new Set(['ref', 'reference', 'no', 'number', 'id', 'case', 'mosaic', 'liquidlogic', 'eclipse', 'systmone', 'emis', 'cpoms', 'mash', 'record']);
  const hits: (Hit & { kind: IdentityKind })[] = [];
  for (const t of terms) {
    const code = /\d/.test(t.text) || t.text.length === 1 || REF_WORDS.has(t.lower) || (isAllCaps(t) && t.text.length <= 6 && !isGiven(t) && !isSurname(t));
    if (code) continue;
    // Words with only spaces or punctuation between them are one name ("Smith, Jayden").
    const last = hits[hits.length - 1];
    if (last && /^[\s,.'’-]*$/.test(text.slice(last.at + last.text.length, t.start))) last.text = text.slice(last.at, t.end);
    else hits.push({ at: t.start, text: t.text, kind: 'name' });
  }
  return hits;
}

