import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { CARD_NAMES, CARDS_DIR, renderCard, type CardName } from '../../src/cards/render-card.js';
import { nodes, type Node } from '../support/nodes.js';

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

// The official schema is draft-06, which ajv 8 knows only once its meta-schema is added.
// strict: false because the schema carries its own keywords ("version", "features");
// formats ("uri", ...) need ajv-formats, which is not a dependency, so they go unchecked.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addMetaSchema(readJson(createRequire(import.meta.url).resolve('ajv/dist/refs/json-schema-draft-06.json')) as object);
// The file names itself with draft-04's "id", which ajv 8 refuses; rename it here, not in the vendored copy.
const { id: schemaId, ...schema } = readJson(join(CARDS_DIR, 'schema', 'adaptive-card-1.5.json')) as Record<string, unknown>;
const validate = ajv.compile({ $id: schemaId as string, ...schema });

// The official JS SDK as a second opinion: its parser and validator catch what the schema cannot
// (e.g. required inputs without a label). Its ESM build does not load in Node, so use the UMD bundle.
type Sdk = {
  Version: new (major: number, minor: number) => unknown;
  SerializationContext: new (version: unknown) => { eventCount: number; getEventAt(i: number): { message: string } };
  AdaptiveCard: new () => { parse(json: object, ctx: unknown): void; validateProperties(): { validationEvents: { message: string }[] } };
};
const sdk = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as Sdk;
function sdkComplaints(card: object): string[] {
  const ctx = new sdk.SerializationContext(new sdk.Version(1, 5));
  const parsed = new sdk.AdaptiveCard();
  parsed.parse(card, ctx);
  const parseEvents = Array.from({ length: ctx.eventCount }, (_, i) => ctx.getEventAt(i).message);
  return [...parseEvents, ...parsed.validateProperties().validationEvents.map((e) => e.message)];
}

const samplesDir = join(CARDS_DIR, 'samples');
/** Sample files for a card: `<name>.json` and variants `<name>.<variant>.json`. */
const samplesFor = (name: string) =>
  readdirSync(samplesDir)
    .filter((f) => f.startsWith(`${name}.`) && /^[a-z-]+(\.[a-z-]+)?\.json$/.test(f))
    .sort();
const sample = (file: string) => readJson(join(samplesDir, file)) as Record<string, unknown>;

const isAction = (n: Node) => typeof n.type === 'string' && n.type.startsWith('Action.');
const verbs = (card: object) => nodes(card).filter(isAction).map((n) => n.verb);

// Compares the error list, not a boolean, so a failure shows what the schema objected to.
const expectValid = (card: object) => expect(validate(card) ? [] : validate.errors).toEqual([]);

const VERBS: Record<CardName, string[]> = {
  welcome: ['intake.start', 'cases.mine', 'help'],
  'intake-step': ['intake.answer', 'intake.back', 'intake.cancel'],
  'intake-summary': ['intake.submit', 'intake.back', 'intake.cancel'],
  approval: ['card.refresh', 'escalation.approve', 'escalation.return', 'escalation.resolve-within'],
  response: ['card.refresh', 'stage.acknowledge', 'stage.respond'],
  lapse: ['card.refresh', 'lapse.escalate', 'lapse.extend', 'lapse.chase'],
  decided: [],
  notice: [],
  resolution: ['resolution.propose'],
  'resolution-confirm': ['resolution.confirm', 'resolution.reject'],
  'board-notice': ['case.timeline'],
  extension: ['extension.accept', 'extension.decline'],
  'quicker-due': ['stage.quicker-due'],
  'binding-route': ['binding.route'],
  'binding-decision': ['binding.decide'],
  'outcome-step': ['outcome.record'],
  review: ['review.record'],
  debrief: ['debrief.record'],
};

/** Samples of a card whose buttons differ: the Chair settles BSCB Stage 4 by route, not by a response. */
const VERBS_OF_SAMPLE: Record<string, string[]> = {
  'response.by-route.json': ['card.refresh', 'stage.acknowledge'],
  // A route the procedure offers on a condition (Sefton's Stage 5), beside the next stage.
  'lapse.route.json': ['card.refresh', 'route.take', 'lapse.escalate', 'lapse.extend', 'lapse.chase'],
};

const cases = CARD_NAMES.flatMap((name) => samplesFor(name).map((file) => [name, file] as const));

describe('card templates', () => {
  it.each(CARD_NAMES.map((n) => [n]))('%s is an Adaptive Card 1.5 template with sample data', (name) => {
    const template = readJson(join(CARDS_DIR, `${name}.json`)) as Node;
    expect(template).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(samplesFor(name).length).toBeGreaterThan(0);
  });

  it.each(cases)('%s with samples/%s expands to a valid 1.5 card', (name, file) => {
    const card = renderCard(name, sample(file));
    expectValid(card);
    expect(JSON.stringify(card)).not.toContain('${');
  });

  it.each(cases)('%s with samples/%s parses cleanly in the Adaptive Cards SDK', (name, file) => {
    expect(sdkComplaints(renderCard(name, sample(file)))).toEqual([]);
  });

  it.each(cases)('%s with samples/%s uses only Action.Execute with the expected verbs', (name, file) => {
    const card = renderCard(name, sample(file));
    for (const action of nodes(card).filter(isAction)) {
      expect(action.type).toBe('Action.Execute');
      expect(typeof action.verb === 'string' && action.verb.length > 0).toBe(true);
      expect(action.data).toEqual(expect.any(Object));
    }
    expect(verbs(card)).toEqual(VERBS_OF_SAMPLE[file] ?? VERBS[name]);
  });

  it('refreshing cards name their users (Universal Actions)', () => {
    for (const name of ['approval', 'response', 'lapse'] as const) {
      const card = renderCard(name, sample(`${name}.json`)) as Node;
      expect(card.refresh).toMatchObject({ action: { type: 'Action.Execute', verb: 'card.refresh' }, userIds: sample(`${name}.json`).refreshUserIds });
    }
  });

  it('samples carry a case reference, never a child’s identity', () => {
    for (const [, file] of cases) {
      for (const key of nodes(sample(file)).flatMap((n) => Object.keys(n))) {
        expect(key).not.toMatch(/child|dob|birth|nhs|forename|surname/i);
      }
    }
  });
});

describe('intake-step', () => {
  const inputs = (card: object) => nodes((card as Node).body).filter((n) => typeof n.type === 'string' && n.type.startsWith('Input.'));
  const variants = [
    ['intake-step.json', 'choice', 'Input.ChoiceSet', 3],
    ['intake-step.yes-no.json', 'yes-no', 'Input.ChoiceSet', 2],
    ['intake-step.text.json', 'text', 'Input.Text', undefined],
  ] as const;

  it.each(variants)('samples/%s (%s) shows exactly one answer input', (file, kind, type, choiceCount) => {
    const data = sample(file);
    expect(data.kind).toBe(kind);
    const shown = inputs(renderCard('intake-step', data));
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ type, id: 'answer' });
    if (choiceCount !== undefined) expect(shown[0]?.choices).toHaveLength(choiceCount);
    if (type === 'Input.ChoiceSet') expect(shown[0]?.style).toBe('expanded');
  });

  it('shows the error in attention colour only when there is one', () => {
    const withError = sample('intake-step.yes-no.json');
    const errorBlocks = (data: object) => nodes(renderCard('intake-step', data)).filter((n) => n.color === 'Attention');
    expect(errorBlocks(withError)).toEqual([expect.objectContaining({ type: 'TextBlock', text: withError.error })]);
    expect(errorBlocks({ ...withError, error: undefined })).toEqual([]);
  });

  it('drops optional help text and keeps a previous answer when going back', () => {
    const card = renderCard('intake-step', { ...sample('intake-step.text.json'), help: undefined, multiline: true, optional: true });
    expectValid(card);
    expect(JSON.stringify(card)).not.toContain('never the child');
    expect(inputs(card)[0]).toMatchObject({ isMultiline: true, isRequired: false, maxLength: 64, value: 'EDU-88213' });
  });
});

describe('validator', () => {
  it('rejects a card with an unknown element type (the validator bites)', () => {
    const card = renderCard('welcome', sample('welcome.json'));
    card.body![0] = { ...card.body![0], type: 'TextBlok' };
    expect(validate(card)).toBe(false);
    expect(sdkComplaints(card)).not.toEqual([]);
  });

  it('the SDK flags a required input without a label', () => {
    const card = renderCard('intake-step', sample('intake-step.json'));
    delete card.body!.find((e) => e.id === 'answer')!.label;
    expect(sdkComplaints(card)).toEqual([expect.stringMatching(/label/)]);
  });

  it('rejects an Action.Execute with a property 1.5 does not define', () => {
    const card = renderCard('welcome', sample('welcome.json'));
    card.actions![0] = { ...card.actions![0], verbb: 'intake.start' };
    expect(validate(card)).toBe(false);
  });
});

describe('renderCard', () => {
  it('returns a fresh object each time, so callers may change it', () => {
    const a = renderCard('welcome', sample('welcome.json'));
    const b = renderCard('welcome', sample('welcome.json'));
    expect(a).toEqual(b);
    a.body![0]!.text = 'changed';
    expect(renderCard('welcome', sample('welcome.json'))).toEqual(b);
  });

  it('refuses a name that is not a card', () => {
    expect(() => renderCard('schema/adaptive-card-1.5' as CardName, {})).toThrow(/Unknown card/);
  });
});
