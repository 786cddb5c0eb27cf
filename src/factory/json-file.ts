/** A model folder's JSON file as exporters write it: two-space indents and a final newline. */
export const jsonFile = (value: unknown): Uint8Array => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
