/**
 * What the Teams door accepts, checked before the Agents SDK sees a request: the fields the bot
 * relies on, with their types and sizes, a serviceUrl it may answer to, and no text PostgreSQL or
 * a card cannot hold. Anything else is a plain 400 and changes nothing.
 */
import { activityZodSchema } from '@microsoft/agents-activity';
import { z } from 'zod';
import { isLoopbackHost } from '../config.js';
import { MAX_TEXT, unsafeText } from '../app/hostile-input.js';

const MAX_DEPTH = 12;

const id = z.string().min(1).max(512);
const name = z.string().max(512).optional();
const account = z.object({ id, name, aadObjectId: z.string().max(128).optional() });

/** A card button's data: flat, short values (the button's own fields and the card's inputs). */
const ActionData = z.record(z.string().max(64), z.union([z.string().max(MAX_TEXT), z.number(), z.boolean(), z.null()]));
const CardAction = z.object({
  action: z.object({ type: z.literal('Action.Execute'), verb: z.string().min(1).max(64), data: ActionData.optional() }),
});

const Activity = z.object({
  type: z.enum(['message', 'invoke', 'conversationUpdate', 'installationUpdate', 'messageReaction', 'messageUpdate', 'messageDelete', 'typing', 'event', 'endOfConversation']),
  id,
  channelId: z.string().min(1).max(64),
  serviceUrl: z.string().max(2048),
  from: account,
  recipient: account,
  conversation: z.object({ id, conversationType: z.string().max(32).optional(), isGroup: z.boolean().optional(), tenantId: z.string().max(128).optional(), name }),
  text: z.string().optional(),
  name: z.string().max(128).optional(),
  value: z.record(z.string(), z.unknown()).optional(),
  membersAdded: z.array(account).max(256).optional(),
  membersRemoved: z.array(account).max(256).optional(),
});
export type CheckedActivity = z.infer<typeof Activity>;

/**
 * The SDK's own schema, as its `Activity.fromObject` applies it later with a throw. Built once:
 * `fromObject` builds it again on every call, which cost more than the check itself.
 */
const SdkActivity = activityZodSchema.passthrough();

export type Checked = { ok: true; activity: CheckedActivity } | { ok: false; reason: string };

/**
 * `anonymous`: no Bot registration, so nobody vouches for the serviceUrl: only this machine's.
 * `verbs`: the card buttons the bot has, for invokes.
 */
export function checkActivity(body: Record<string, unknown>, opts: { anonymous: boolean; production: boolean; verbs: ReadonlySet<string> }): Checked {
  const unsafe = unsafeText(body, MAX_DEPTH);
  if (unsafe) return { ok: false, reason: unsafe };
  const parsed = Activity.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: `${issue.path.join('.') || 'activity'}: ${issue.message}` };
  }
  const activity = parsed.data;
  // The SDK's own schema, which it applies later with a throw: refused here instead.
  if (!SdkActivity.safeParse(body).success) return { ok: false, reason: 'not an activity the Agents SDK reads' };
  const url = serviceUrlProblem(activity.serviceUrl, opts);
  if (url) return { ok: false, reason: url };
  if (activity.type === 'invoke') {
    if (activity.name !== 'adaptiveCard/action') return { ok: false, reason: 'not an invoke this bot answers' };
    const card = CardAction.safeParse(activity.value);
    if (!card.success) return { ok: false, reason: 'not a card action' };
    if (!opts.verbs.has(card.data.action.verb)) return { ok: false, reason: 'not a button this bot has' };
  }
  return { ok: true, activity };
}

function serviceUrlProblem(serviceUrl: string, opts: { anonymous: boolean; production: boolean }): string | null {
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return 'serviceUrl is not a URL';
  }
  const loopback = isLoopbackHost(url.hostname);
  // Unauthenticated, a request's serviceUrl would say where a person's messages go: only this machine.
  if (opts.anonymous && !loopback) return 'serviceUrl must be on this machine when the endpoint is not authenticated';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && loopback && !opts.production) return null;
  return 'serviceUrl must be https';
}
