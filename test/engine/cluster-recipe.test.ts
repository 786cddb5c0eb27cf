// The README's scheduler recipe, run as written: the shard script once per shard as separate processes from an
// `xargs -P` loop (what GNU parallel or a Slurm array does; the Slurm variables are set as Slurm sets them),
// then the finish script (merge + evidence). The tiny synthetic llava answers 4 CHAIR images in 2 shards; the
// evidence the processes wrote must equal the core pipeline run here over the same shard folders.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chairCaptionLabeller, DEFAULT_DATA_DIR, REPO_ROOT } from '../../src/cli/data';
import { readFolderAnswers, readFolderEvidence, readRunConfig } from '../../src/cli/shard-folder';
import { comparisonsCsv } from '../../src/core/evidence/csv';
import { runEvidence } from '../../src/core/evidence/run-evidence';
import { repoData } from '../support/repo-data';
import { tinyLlavaFolder } from '../support/tiny-llava';
import { testPicture } from '../support/eval-cli';

const run = promisify(execFile);
const IMAGES = repoData('coder-gx__DAMRO/data/chair/coco_pope_random.jsonl')
  .split('\n')
  .slice(0, 4)
  .map((l) => (JSON.parse(l) as { image: string }).image);

let model: Awaited<ReturnType<typeof tinyLlavaFolder>>;
let work: string;
beforeAll(async () => {
  model = await tinyLlavaFolder();
  work = mkdtempSync(join(tmpdir(), 'damro-cluster-'));
  mkdirSync(join(work, 'images'));
  for (const [n, image] of IMAGES.entries()) {
    writeFileSync(join(work, 'images', image), testPicture(n, 5, 13));
  }
});
afterAll(() => {
  rmSync(model.root, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('scheduler recipe (src/cli/cluster)', () => {
  it('shards as separate processes, then merge and evidence, equal to the core pipeline over the shard folders', async () => {
    const runs = join(work, 'runs');
    const env = {
      ...process.env,
      IMAGES: join(work, 'images'),
      MODEL: model.dir,
      RUNS: runs,
      EVAL_ARGS: '--limit 4 --preset custom --k 2 --mode greedy --max-new-tokens 8',
    };
    // Each line becomes one process with the array variables Slurm would set for that task.
    await run(
      'bash',
      [
        '-c',
        "printf '0\\n1\\n' | xargs -P 2 -I{} env SLURM_ARRAY_TASK_ID={} SLURM_ARRAY_TASK_COUNT=2 src/cli/cluster/chair-shard.sh",
      ],
      { cwd: REPO_ROOT, env, timeout: 300_000 },
    );
    const finish = await run('bash', ['src/cli/cluster/chair-finish.sh'], { cwd: REPO_ROOT, env, timeout: 300_000 });
    expect(finish.stdout).toMatch(/CHAIR coco500 \(4 captions\)/);
    expect(finish.stdout).toMatch(/4 of 4 captions answered/);

    const shards = ['shard-0', 'shard-1'].map((s) => join(runs, s));
    expect((await readRunConfig(shards[1])).shard).toEqual({ index: 1, count: 2 });
    const items = [];
    for (const dir of shards) {
      const answers = await readFolderAnswers(dir, await readRunConfig(dir));
      const evidence = await readFolderEvidence(dir);
      expect(evidence.size).toBe(answers.size);
      for (const [key, outputs] of answers)
        items.push({ image: `COCO_val2014_${key.padStart(12, '0')}.jpg`, outputs, evidence: evidence.get(key) });
    }
    expect(items).toHaveLength(4);
    const core = runEvidence(items, await chairCaptionLabeller(DEFAULT_DATA_DIR));
    expect(readFileSync(join(runs, 'evidence', 'comparisons.csv'), 'utf8')).toBe(comparisonsCsv(core.summary));
    const written = JSON.parse(readFileSync(join(runs, 'evidence', 'summary.json'), 'utf8'));
    expect(written.answered).toBe(4);
    expect(written.summary.counts).toEqual(core.summary.counts);
    expect(readFileSync(join(runs, 'evidence', 'charts', 'difference-share.svg'), 'utf8')).toMatch(/^<svg /);
  }, 600_000);
});
