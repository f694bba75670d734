/**
 * How an error is written to the log. pino's own serializer copies every enumerable property of
 * an error, and the SDKs' HTTP errors carry the request they tried to send (the Agents SDK's
 * HttpError, axios errors under Slack's client): a failed send would log the message or card
 * itself, case text and names included. Only what tells an operator what went wrong is kept.
 */
export type SafeError = { type: string; message: string; code?: string | number; status?: number; stack?: string };

export function safeError(err: unknown): SafeError {
  // Something thrown that is not an Error is named by its type only: it may be anything, text included.
  if (!(err instanceof Error)) return { type: typeof err, message: 'not an Error' };
  const e = err as Error & { code?: unknown; status?: unknown; statusCode?: unknown; response?: { status?: unknown } };
  const status = [e.status, e.statusCode, e.response?.status].find((s): s is number => typeof s === 'number');
  return {
    type: e.constructor?.name ?? e.name,
    message: e.message,
    ...(typeof e.code === 'string' || typeof e.code === 'number' ? { code: e.code } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(e.stack ? { stack: e.stack } : {}),
  };
}
