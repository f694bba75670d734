/**
 * What is known about the HTTP request being handled, wherever the code is: its id (on every log
 * line written while handling it, and in the X-Request-Id header) and, for a Teams or Slack turn,
 * the step the door recognised (for the turn-latency metric). AsyncLocalStorage carries it through
 * the SDKs' awaits without passing it by hand.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export type RequestContext = { readonly requestId: string; step: string | null };

const storage = new AsyncLocalStorage<RequestContext>();

/** An id a proxy in front already gave the request is kept when it is a plain token; otherwise a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && /^[\w.:-]{1,64}$/.test(header) ? header : randomUUID();
}

export function runInRequest<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/**
 * The doors call this with the verb or command a turn is for. The first call in a turn wins, so a
 * door's generic wrapper does not overwrite the more precise step named before it.
 */
export function setTurnStep(step: string): void {
  const context = storage.getStore();
  if (context && context.step === null) context.step = step;
}
