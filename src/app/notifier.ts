/**
 * The Notifier port: how the scheduler's prompts reach people. The Teams and Slack adapters
 * deliver them in chat; `RecordingNotifier` keeps them for tests.
 *
 * A prompt is sent at most once per key: `deliverOnce` checks a delivery record in the store
 * before sending and writes it after. A job that runs twice (a retry, two instances) therefore
 * sends one prompt; only a crash between sending and writing the record could send it twice,
 * which is better than never sending it.
 */
import type { Store } from './store.js';

export type NotificationKind = 'stage-reminder' | 'response-overdue' | 'acknowledgement-overdue' | 'actions-review' | 'debrief-prompt' | 'board-digest';

export type Notification = {
  /** Unique per prompt and recipient. */
  key: string;
  kind: NotificationKind;
  /** The case reference (never a child's name); null for the digest, which covers many cases. */
  caseRef: string | null;
  to: { personId: string; name: string };
  /** Plain text for any channel; the chat adapters may add buttons. */
  text: string;
  /** For an overdue response: the stage the escalating side may ask for next. */
  suggestedStage?: number | null;
};

export interface Notifier {
  send(notification: Notification): Promise<void>;
}

export class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  async send(notification: Notification): Promise<void> {
    this.sent.push(notification);
  }
}

const DELIVERED = 'delivered-prompt';

export async function deliverOnce(store: Store, notifier: Notifier, notification: Notification, at: Date): Promise<boolean> {
  if (await store.getDocument(DELIVERED, notification.key)) return false;
  await notifier.send(notification);
  const recorded = await store.putDocument(DELIVERED, notification.key, { at: at.toISOString(), kind: notification.kind, caseRef: notification.caseRef }, null);
  return recorded.ok;
}
