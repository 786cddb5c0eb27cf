// Finds places in the project's own files that read or name a path outside the repository: a fresh clone has
// nothing beside it, so such a read works on one machine and fails everywhere else.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export interface OutsidePath {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly why: string;
}

// A sibling folder called shared, reached as two path segments or as one relative string.
const SIBLING = /['"`]\.\.['"`]\s*,\s*['"`]shared['"`]|\.\.\/shared\b|\.\.\\shared\b/;
// A path argument that climbs out of an anchored root: a parent segment right after REPO_ROOT, root, ….
const CLIMB_FROM_ROOT = /\b(?:REPO_ROOT|repoRoot|ROOT|root)\s*,\s*['"`]\.\.['"`]/;
// Absolute paths into home or work folders of some machine.
const ABSOLUTE_CHECKOUT = /['"`](?:\/work\/|\/home\/[^/'"`]+\/|\/Users\/[^/'"`]+\/|[A-Za-z]:\\\\Users\\\\)/;
// Relative string literals ("../../x"): checked against the file's own depth.
const RELATIVE_LITERAL = /['"`]((?:\.\.\/)+[^'"`\s]*)['"`]/g;

/** Every outside-the-repository path named in one file's text; `file` is relative to `root`. */
export function findOutsidePaths(root: string, file: string, text: string): OutsidePath[] {
  const found: OutsidePath[] = [];
  const lines = text.split('\n');
  lines.forEach((lineText, i) => {
    const hit = (why: string) => found.push({ file, line: i + 1, text: lineText.trim(), why });
    if (SIBLING.test(lineText)) hit('names a folder beside the repository');
    else if (CLIMB_FROM_ROOT.test(lineText)) hit('climbs out of the repository root');
    else if (ABSOLUTE_CHECKOUT.test(lineText)) hit('names an absolute path on some machine');
    else {
      for (const match of lineText.matchAll(RELATIVE_LITERAL)) {
        const target = resolve(root, dirname(file), match[1]);
        const rel = relative(root, target);
        if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
          hit(`'${match[1]}' from ${dirname(file)}/ leaves the repository`);
          break;
        }
      }
    }
  });
  return found;
}

const SKIP = new Set(['node_modules', 'dist', 'dist-harness', 'dist-bench', 'test-results']);
const TEXT = /\.(?:[cm]?[jt]sx?|json|jsonc|md|sh|html|css)$|^run$/;

function walk(root: string, dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    if (SKIP.has(name) || (name.startsWith('.') && dir !== '')) return [];
    const path = dir === '' ? name : `${dir}/${name}`;
    return statSync(join(root, path)).isDirectory() ? walk(root, path) : TEXT.test(name) ? [path] : [];
  });
}

/** The files whose reads must stay inside the repository: src/, test/, workers/, .ci/ and package.json's scripts. */
export function scanRepository(root: string): OutsidePath[] {
  const files = ['src', 'test', 'workers', '.ci'].flatMap((dir) => walk(root, dir));
  const found = files.flatMap((file) => findOutsidePaths(root, file, readFileSync(join(root, file), 'utf8')));
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts;
  for (const [name, command] of Object.entries(scripts)) {
    found.push(
      ...findOutsidePaths(root, 'package.json', command).map((f) => ({ ...f, text: `scripts.${name}: ${command}` })),
    );
  }
  return found;
}
