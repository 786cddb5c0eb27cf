// A clone of the project must build, start and test with nothing beside it; this fails on any read outside it.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findOutsidePaths, scanRepository } from '../../support/outside-paths';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

// The planted lines are spelled with placeholders so that this file itself stays clean for the scan.
const unplant = (lines: string[]) =>
  lines.join('\n').replaceAll('UP', '..').replaceAll('SHARED', 'shared').replaceAll('WORK', 'work');

describe('the repository stands on its own', () => {
  it('no file under src/, test/, workers/, .ci/ nor a package.json script reads a path outside it', () => {
    expect(scanRepository(ROOT)).toEqual([]);
  });

  it('the scanner finds each way of reaching outside', () => {
    const planted = [
      "const a = readFileSync('UP/SHARED/data/x.json');",
      "const b = resolve(REPO_ROOT, 'UP', 'SHARED', 'data');",
      "const c = new URL('UP/UP/UP/SHARED/data/', import.meta.url);",
      "const d = path.join(repoRoot, 'UP', 'other-checkout');",
      "const e = '/WORK/main/public/data/x';",
      "const f = new URL('UP/UP/UP/other/x.json', import.meta.url);",
    ];
    const found = findOutsidePaths(ROOT, 'test/unit/planted.test.ts', unplant(planted));
    expect(found.map((f) => f.line)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('lets paths that stay inside through', () => {
    const inside = [
      "const a = new URL('../../public/data/', import.meta.url);",
      "import { x } from '../../src/core/eval/data-files';",
      "const b = resolve(REPO_ROOT, 'public', 'data');",
      "const c = 'UP/SHARED';", // a folder of that name is refused wherever it would be
    ];
    const found = findOutsidePaths(ROOT, 'test/unit/inside.test.ts', unplant(inside));
    expect(found.map((f) => f.line)).toEqual([4]);
  });
});
