// The synthetic LLaVA models the benchmarks run, generated once into the OS temp folder. The folder name carries
// the dimensions that shape the costs, so a folder made for older dimensions is never reused by mistake.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patchCount, SIZES, type ModelSize } from '../../src/factory/llava/dims';
import type { WeightFormat } from '../../src/factory/llava/linear-node';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { makeGqaLlavaModel } from '../../src/factory/gqa/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';

/** `decoder` 'gqa': the same weights with the decoder's attention as GroupQueryAttention (grouped KV heads). */
export async function benchModelFolder(
  size: ModelSize,
  dtype: WeightFormat,
  decoder: 'eager' | 'gqa' = 'eager',
): Promise<string> {
  const dims = SIZES[size];
  const family = decoder === 'gqa' ? 'llava-gqa' : 'llava';
  const name = `${family}-${size}-${dtype}-v${dims.text.vocabSize}-i${patchCount(dims.vision)}-l${dims.text.layers}`;
  const dir = join(tmpdir(), 'damro-lens-bench', name);
  if (!existsSync(join(dir, 'onnx', dtype === 'q4' ? 'decoder_model_merged_q4.onnx' : 'decoder_model_merged.onnx'))) {
    const started = performance.now();
    console.log(`generating the ${size} synthetic ${family} (${dtype}) into ${dir} (minutes for the bench size) …`);
    await writeModelFolder(
      dir,
      decoder === 'gqa' ? makeGqaLlavaModel({ size, dtype }) : makeLlavaModel({ size, dtype }).files,
    );
    console.log(`  done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  return dir;
}
