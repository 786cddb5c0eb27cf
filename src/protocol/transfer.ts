/**
 * The buffers behind the typed arrays in a message (looked for two levels deep, where results keep their
 * arrays), so they can be transferred instead of copied. Each buffer is listed once, as postMessage requires.
 */
export function transferablesOf(value: unknown, depth = 2): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const visit = (node: unknown, level: number) => {
    if (ArrayBuffer.isView(node)) {
      if (node.buffer instanceof ArrayBuffer) found.add(node.buffer);
      return;
    }
    if (level === 0 || typeof node !== 'object' || node === null) return;
    for (const child of Object.values(node)) visit(child, level - 1);
  };
  visit(value, depth);
  return [...found];
}
