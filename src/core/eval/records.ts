import { LensError } from '../../protocol/errors';

/** A field of an answer record read back from a file, with an error that names the file and line. */
export function field<T extends 'string' | 'number'>(
  record: Readonly<Record<string, unknown>>,
  name: string,
  type: T,
  where: string,
): T extends 'string' ? string : number {
  const value = record[name];
  if (typeof value !== type)
    throw new LensError(
      'bad-request',
      `${where}: the answer record has no ${type} "${name}"; is this an answers file of this benchmark?`,
    );
  return value as T extends 'string' ? string : number;
}

/**
 * Parses JSON lines (blank lines skipped) with errors that name the file and line. In a file this program
 * appends to, a last line that is not valid JSON was cut short mid-write (power loss, kill -9): `halfWritten`
 * either takes it (it is left out) or, as 'refuse', makes the error say how to repair it.
 */
export function parseJsonLines(
  text: string,
  what: string,
  halfWritten?: 'refuse' | ((where: string) => void),
): { record: Readonly<Record<string, unknown>>; where: string }[] {
  const out: { record: Readonly<Record<string, unknown>>; where: string }[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    const where = `${what} line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      if (i === lines.length - 1 && halfWritten) {
        if (halfWritten !== 'refuse') return halfWritten(where);
        throw new LensError(
          'bad-request',
          `${where} (the last) is half-written: its run stopped mid-write. Run that run's command again to resume it, which repairs the file and asks that question again; then merge.`,
        );
      }
      throw new LensError('bad-request', `${where} is not valid JSON; the file may be truncated or not JSON lines.`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new LensError('bad-request', `${where} is not a JSON object.`);
    out.push({ record: value as Record<string, unknown>, where });
  });
  return out;
}

/** One JSON-lines line, as Python's json.dumps writes it with its default separators (", " and ": "). */
export function toJsonLine(record: Readonly<Record<string, string | number>>): string {
  const parts = Object.entries(record).map(
    ([k, v]) => `${pyJson(k)}: ${typeof v === 'number' ? pyNumber(v) : pyJson(v)}`,
  );
  return `{${parts.join(', ')}}\n`;
}

// json.dumps escapes every non-ASCII character as \uXXXX (ensure_ascii=True).
function pyJson(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function pyNumber(value: number): string {
  if (!Number.isFinite(value))
    throw new LensError('internal', `An answer record holds ${value}, which JSON cannot carry.`);
  return String(value);
}
