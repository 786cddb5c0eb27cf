// The data files the project ships in public/data/ (see its PROVENANCE.md), for tests in Node and jsdom.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// jsdom gives import.meta.url an http scheme; vitest runs from the repository root there.
const here = new URL('../../public/data/', import.meta.url);
export const DATA_DIR = here.protocol === 'file:' ? fileURLToPath(here) : resolve(process.cwd(), 'public', 'data');

export function repoData(path: string): string {
  return readFileSync(resolve(DATA_DIR, path), 'utf8');
}
