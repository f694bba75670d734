/**
 * Renders the Adaptive Card templates in `cards/` (Adaptive Cards 1.5, Universal Actions) with
 * adaptivecards-templating. The templates hold layout only; callers pass plain view data.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
// The engine's own module: the package index also re-exports a helper whose typings point at
// adaptivecards' .ts sources, which fail this project's typecheck.
import type * as ACDataType from 'adaptivecards-templating/lib/template-engine.js';

// The engine (with its expression parser) is loaded on the first card, not at start-up (about
// 0.25 s): the app warms it up once it is ready (start-app.ts).
let engine: typeof ACDataType | undefined;
const ACData = () => (engine ??= createRequire(import.meta.url)('adaptivecards-templating/lib/template-engine.js') as typeof ACDataType);

/**
 * Loads the templating engine and then parses every card's template, each in a task of its own
 * (between them the event loop runs any turn waiting), so no person's first card of a kind waits
 * for its parse: 4 to 130 ms a template, 0.45 s in all, the first being the slowest.
 */
export async function warmCards(): Promise<void> {
  ACData();
  for (const name of CARD_NAMES) {
    await new Promise((resolve) => setImmediate(resolve));
    template(name);
  }
}

/** Resolves to `<repo>/cards/` from both `src/cards/` and the built `dist/cards/`. */
export const CARDS_DIR = fileURLToPath(new URL('../../cards/', import.meta.url));

export const CARD_NAMES = [
  'welcome',
  'intake-step',
  'intake-summary',
  'approval',
  'response',
  'lapse',
  'decided',
  'board-notice',
  'notice',
  'resolution',
  'resolution-confirm',
  'extension',
  'quicker-due',
  'binding-route',
  'binding-decision',
  'outcome-step',
  'review',
  'debrief',
] as const;

export type CardName = (typeof CARD_NAMES)[number];

type CardObject = Record<string, unknown>;
export type AdaptiveCard = { type: 'AdaptiveCard'; version: string; body?: CardObject[]; actions?: CardObject[]; [key: string]: unknown };

// Parsed templates, by name: the files never change while the process runs.
const templates = new Map<CardName, ACDataType.Template>();

function template(name: CardName): ACDataType.Template {
  let t = templates.get(name);
  if (!t) {
    if (!(CARD_NAMES as readonly string[]).includes(name)) throw new Error(`Unknown card: ${name}`);
    t = new (ACData().Template)(JSON.parse(readFileSync(`${CARDS_DIR}${name}.json`, 'utf8')));
    templates.set(name, t);
  }
  return t;
}

/**
 * A notice's text as its lines, one TextBlock each: a TextBlock's markdown does not break lines
 * at a single newline, so a list or a timeline would run together.
 */
const withLines = (name: CardName, data: object): object => {
  const text = (data as { text?: unknown }).text;
  return name === 'notice' && typeof text === 'string' ? { ...data, lines: text.split('\n').filter((l) => l.trim()) } : data;
};

/** Expands `cards/<name>.json` with `data` as `$root`; returns a fresh card object each call. */
export function renderCard(name: CardName, data: object): AdaptiveCard {
  return template(name).expand({ $root: withLines(name, data) }) as AdaptiveCard;
}
