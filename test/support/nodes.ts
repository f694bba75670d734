export type Node = Record<string, unknown>;

/** Every object in a card, message or view, depth first (elements, actions, choices, fields). */
export function nodes(value: unknown, out: Node[] = []): Node[] {
  if (Array.isArray(value)) for (const v of value) nodes(v, out);
  else if (value && typeof value === 'object') {
    out.push(value as Node);
    for (const v of Object.values(value)) nodes(v, out);
  }
  return out;
}
