/**
 * What no door passes on, whatever the field: text PostgreSQL refuses (NUL) or that is not
 * Unicode (a lone surrogate), and values nested deeper than any real request.
 */

/** The longest text the app reads from a person; longer is refused with a message, never echoed. */
export const MAX_TEXT = 4000;

/** Why a parsed request is refused, or null when every string and key in it is safe. */
export function unsafeText(value: unknown, maxDepth: number): string | null {
  const walk = (v: unknown, depth: number): string | null => {
    if (typeof v === 'string') return badString(v);
    if (!v || typeof v !== 'object') return null;
    if (depth >= maxDepth) return 'nested too deeply';
    for (const [k, x] of Array.isArray(v) ? v.entries() : Object.entries(v)) {
      const bad = (typeof k === 'string' ? badString(k) : null) ?? walk(x, depth + 1);
      if (bad) return bad;
    }
    return null;
  };
  return walk(value, 0);
}

// Code units, not code points (no u flag): a high surrogate not followed by a low one, or the reverse.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function badString(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(s)) return 'contains a lone surrogate';
  return null;
}
