/**
 * The Notifier port: how the scheduler's prompts reach people. CaseFlow delivers them in chat
 * through the Messenger; `RecordingNotifier` keeps them for tests.
 *
 * A prompt is delivered at most once per key and marked delivered only once it was: `deliverOnce`
 * checks a delivery record in the store before sending and writes it after a send that reached
 * the person. A send that did not reach them leaves no record, so the job fails and the queue
 * tries it again later (with backoff, a bounded number of times); after the last try the prompt
 * is declared undeliverable (`declareUndeliverable`, the one place that happens) and someone who
 * can act is told. A job that runs twice (a retry, two instances) sends a delivered prompt once;
 * only a crash between sending and writing the record could send it twice, which is better than
 * never sending it.
 */
import type { CaseState } from '../domain/escalation/state.js';
import type { Store } from './store.js';

export type NotificationKind =
  | 'stage-reminder'
  | 'response-overdue'
  | 'acknowledgement-overdue'
  | 'actions-review'
  | 'debrief-prompt'
  | 'board-digest'
  /** To a manager: someone could not be reached about a case. */
  | 'undeliverable-prompt';

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
  /**
   * True when the prompt reached the person; false (or a throw) when it did not. `state` is the
   * case as the job that made the prompt left it (the job holds it, so nobody loads it again).
   */
  send(notification: Notification, state?: CaseState): Promise<boolean>;
}

/** Keeps what it is sent; `failFor` makes sends to a person fail (the first n, or all). */
export class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  readonly failed: Notification[] = [];
  private readonly failing = new Map<string, number>();

  /** Sends to this person fail `times` times (Infinity: always), then get through. */
  failFor(personId: string, times = Infinity): void {
    this.failing.set(personId, times);
  }

  async send(notification: Notification): Promise<boolean> {
    const left = this.failing.get(notification.to.personId) ?? 0;
    if (left > 0) {
      this.failing.set(notification.to.personId, left - 1);
      this.failed.push(notification);
      return false;
    }
    this.sent.push(notification);
    return true;
  }
}

const DELIVERED = 'delivered-prompt';

/** Whether this prompt was already delivered (so it is not sent again). */
export async function wasDelivered(store: Store, key: string): Promise<boolean> {
  return (await store.getDocument(DELIVERED, key)) !== null;
}

/**
 * Sends a prompt unless it was delivered before. 'sent': delivered now and recorded; 'already':
 * delivered before; 'failed': it did not reach the person and nothing is recorded.
 */
export async function deliverOnce(store: Store, notifier: Notifier, notification: Notification, at: Date, state?: CaseState): Promise<'sent' | 'already' | 'failed'> {
  if (await wasDelivered(store, notification.key)) return 'already';
  const reached = await notifier.send(notification, state).catch(() => false);
  if (!reached) return 'failed';
  await store.putDocument(DELIVERED, notification.key, { at: at.toISOString(), kind: notification.kind, caseRef: notification.caseRef }, null);
  return 'sent';
}
