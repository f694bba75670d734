/**
 * What the Slack door accepts, checked after the signature and before Bolt sees a request: the
 * fields the handlers read, with their types and sizes, and no text PostgreSQL or a message
 * cannot hold. Anything else is a plain 400 and changes nothing.
 */
import { z } from 'zod';
import { MAX_TEXT, unsafeText } from '../app/hostile-input.js';

const MAX_DEPTH = 16;

const id = z.string().min(1).max(255);
const user = z.object({ id, team_id: id.optional() });
const team = z.object({ id }).nullish();

const Command = z.object({ command: z.string().min(1).max(64), user_id: id, team_id: id, channel_id: id, text: z.string(), trigger_id: id });
const Action = z.object({ action_id: z.string().min(1).max(255), value: z.string().max(2000).optional() });
const Interaction = z.object({
  type: z.enum(['block_actions', 'view_submission', 'view_closed', 'shortcut', 'message_action', 'block_suggestion']),
  user,
  team,
  trigger_id: id.optional(),
  callback_id: z.string().max(255).optional(),
  actions: z.array(Action).max(5).optional(),
  channel: z.object({ id }).optional(),
  container: z.object({ type: z.string().max(64), message_ts: z.string().max(64).optional() }).optional(),
  message: z.object({ thread_ts: z.string().max(64).optional() }).optional(),
  // What was picked in a message (a date on the approval), bounded like a window's inputs.
  state: z.object({ values: z.record(z.string(), z.record(z.string(), z.looseObject({ value: z.string().max(MAX_TEXT).nullish(), selected_date: z.string().max(10).nullish() }))) }).optional(),
  view: z
    .object({
      id,
      callback_id: z.string().max(255).optional(),
      private_metadata: z.string().max(3000).optional(),
      // What people typed in a window: bounded like a message, so nothing longer is recorded.
      state: z.object({ values: z.record(z.string(), z.record(z.string(), z.looseObject({ value: z.string().max(MAX_TEXT).nullish() }))) }).optional(),
    })
    .optional(),
});
const Event = z.object({
  type: z.literal('event_callback'),
  event_id: id,
  team_id: id.optional(),
  event: z.object({
    type: z.string().min(1).max(64),
    user: id.optional(),
    channel: id.optional(),
    channel_type: z.string().max(32).optional(),
    text: z.string().optional(),
    ts: z.string().max(64).optional(),
    thread_ts: z.string().max(64).optional(),
    tab: z.string().max(32).optional(),
    subtype: z.string().max(64).optional(),
    bot_id: z.string().max(255).optional(),
  }),
});

export type PayloadCheck = { ok: true; kind: 'command' | 'interaction' | 'event' } | { ok: false; reason: string };

export function checkPayload(body: Record<string, unknown>): PayloadCheck {
  const unsafe = unsafeText(body, MAX_DEPTH);
  if (unsafe) return { ok: false, reason: unsafe };
  const [kind, schema] = body.command !== undefined ? (['command', Command] as const) : body.type === 'event_callback' ? (['event', Event] as const) : (['interaction', Interaction] as const);
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, kind };
  const issue = parsed.error.issues[0]!;
  return { ok: false, reason: `${kind} ${issue.path.join('.')}: ${issue.message}` };
}
