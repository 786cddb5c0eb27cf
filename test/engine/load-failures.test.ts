// A model folder that is damaged, incomplete or inconsistent fails at load time with a typed error that names the
// file or setting at fault, and a load that fails part-way holds no ONNX Runtime session.
import { readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ort } from '../../src/engine/runtime/ort';
import { makeLlavaModel } from '../../src/factory/llava/make-model';
import { writeModelFolder } from '../../src/factory/write-folder';
import { LensError } from '../../src/protocol/errors';
import { nodeLoader, tinyLlavaFolder } from '../support/tiny-llava';

const FILES = makeLlavaModel({ size: 'tiny', dtype: 'fp32' }).files;
let folder: Awaited<ReturnType<typeof tinyLlavaFolder>>;

beforeAll(async () => {
  folder = await tinyLlavaFolder();
});
afterAll(() => rmSync(folder.root, { recursive: true, force: true }));
afterEach(async () => {
  vi.restoreAllMocks();
  await writeModelFolder(folder.dir, FILES);
});

async function loadError(): Promise<LensError> {
  const load = nodeLoader(folder.dir);
  try {
    const model = await load(folder.modelId, 'fp32', () => undefined);
    await model.dispose();
  } catch (error) {
    if (error instanceof LensError) return error;
    throw new Error(`a raw ${String(error)} escaped the loader`);
  }
  throw new Error('the model loaded');
}

const path = (file: string) => join(folder.dir, file);
const editConfig = (edit: (config: Record<string, Record<string, unknown>>) => void) => {
  const config = JSON.parse(readFileSync(path('config.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  edit(config);
  writeFileSync(path('config.json'), JSON.stringify(config));
};

describe('loading a damaged or inconsistent model folder', () => {
  it('a decoder cut short is a model-file error naming the file and the byte', async () => {
    const decoder = FILES.get('onnx/decoder_model_merged.onnx')!;
    writeFileSync(path('onnx/decoder_model_merged.onnx'), decoder.subarray(0, 5000));
    const error = await loadError();
    expect(error.code).toBe('bad-model-file');
    expect(error.message).toBe(
      `${folder.dir}/onnx/decoder_model_merged.onnx is not a valid ONNX file (truncated at byte 5000). Download it again, or re-export the model.`,
    );
  });

  it('config.json holding null is a config error naming the file, not a TypeError', async () => {
    writeFileSync(path('config.json'), 'null');
    const error = await loadError();
    expect(error.code).toBe('bad-model-config');
    expect(error.message).toMatch(new RegExp(`^${folder.dir}/config\\.json holds null, not a JSON object`));
  });

  it('a missing tokenizer_config.json is named before transformers.js reads an undefined field', async () => {
    unlinkSync(path('tokenizer_config.json'));
    const error = await loadError();
    expect(error).toMatchObject({ code: 'bad-model-config', details: { file: 'tokenizer_config.json' } });
    expect(error.message).toMatch(
      /tokenizer_config\.json does not exist; the processor and tokenizer cannot be built without it/,
    );
  });

  it.each([
    ['text_config', 'hidden_size', 96, 'embed_tokens.onnx', 'config.json text_config.hidden_size', 96, 64],
    ['text_config', 'vocab_size', 500, 'decoder_model_merged.onnx', 'config.json text_config.vocab_size', 500, 189],
    [
      'text_config',
      'num_key_value_heads',
      2,
      'decoder_model_merged.onnx',
      'config.json text_config.num_key_value_heads',
      2,
      4,
    ],
    [
      'vision_config',
      'patch_size',
      4,
      'vision_encoder.onnx',
      'config.json vision_config.image_size / patch_size (a 8×8 token grid)',
      64,
      16,
    ],
  ])(
    '%s.%s = %d that the graphs contradict is refused at load time, naming the field and the file',
    async (section, key, value, file, field, expected, actual) => {
      editConfig((config) => (config[section]![key] = value));
      const error = await loadError();
      expect(error.code).toBe('bad-model-config');
      expect(error.details).toEqual({ file: `${folder.dir}/onnx/${file}`, field, expected, actual });
    },
  );

  it('releases the vision and embedding sessions when the decoder’s session fails (out of memory)', async () => {
    const created: ort.InferenceSession[] = [];
    const released: ort.InferenceSession[] = [];
    const create = ort.InferenceSession.create.bind(ort.InferenceSession);
    vi.spyOn(ort.InferenceSession, 'create').mockImplementation((async (...args: Parameters<typeof create>) => {
      // The third session is the decoder; ONNX Runtime reports out-of-memory as a plain Error.
      if (created.length === 2) throw new Error('Failed to allocate a buffer: out of memory');
      const session = await create(...args);
      const release = session.release.bind(session);
      session.release = async () => (released.push(session), release());
      created.push(session);
      return session;
    }) as typeof create);
    const error = await loadError();
    expect(error.code).toBe('out-of-memory');
    expect(created).toHaveLength(2);
    expect(released).toEqual(created);
  });
});
