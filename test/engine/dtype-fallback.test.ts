// A q4 folder whose embedding table was left in fp32 (as Hub exports often do): the missing session falls back
// to the nearest dtype that exists, and a dtype nobody exported is refused by name.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';
import { configureHub } from '../../src/engine/runtime/hf';
import { nodeEngine, runParams, runToEnd, tokensOf } from '../support/tiny-llava';

const root = mkdtempSync(join(tmpdir(), 'damro-fallback-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('per-session dtype fallback', () => {
  it('loads q4 graphs with the fp32 embedding table and refuses a dtype with no files', async () => {
    const files = new Map(makeLlavaModel({ size: 'tiny', dtype: 'q4' }).files);
    files.delete('onnx/embed_tokens_q4.onnx');
    files.set(
      'onnx/embed_tokens.onnx',
      makeLlavaModel({ size: 'tiny', dtype: 'fp32' }).files.get('onnx/embed_tokens.onnx')!,
    );
    const dir = join(root, 'tiny-q4-fp32-embed');
    await writeModelFolder(dir, files);
    configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
    const { engine, events } = nodeEngine(dir);

    const info = await engine['model/load']({ modelId: 'tiny-q4-fp32-embed', dtype: 'q4' });
    expect(info).toMatchObject({ dtype: 'q4', sessionDtypes: { vision: 'q4', embed: 'fp32', decoder: 'q4' } });
    const loaded = events.flatMap((e) => (e.type === 'load/progress' ? [e.file] : []));
    expect(loaded).toEqual(
      expect.arrayContaining([
        'onnx/vision_encoder_q4.onnx',
        'onnx/embed_tokens.onnx',
        'onnx/decoder_model_merged_q4.onnx',
      ]),
    );
    expect(tokensOf(await runToEnd(engine, events, runParams({ maxNewTokens: 4 })), 'baseline').length).toBeGreaterThan(
      0,
    );

    await expect(engine['model/load']({ modelId: 'tiny-q4-fp32-embed', dtype: 'fp16' })).rejects.toMatchObject({
      code: 'model-not-found',
      message: expect.stringMatching(/has none of onnx\/vision_encoder_fp16\.onnx, onnx\/vision_encoder\.onnx/),
    });
  });
});

describe('a dtype the folder lacks entirely', () => {
  it('q4 asked of an fp32-only folder loads fp32 and says so per session', async () => {
    const dir = join(root, 'tiny-fp32-only');
    await writeModelFolder(dir, makeLlavaModel({ size: 'tiny', dtype: 'fp32' }).files);
    configureHub({ localModelPath: `${root}/`, allowRemoteModels: false });
    const { engine } = nodeEngine(dir);
    const info = await engine['model/load']({ modelId: 'tiny-fp32-only', dtype: 'q4' });
    expect(info).toMatchObject({ dtype: 'q4', sessionDtypes: { vision: 'fp32', embed: 'fp32', decoder: 'fp32' } });
  });
});
