// Seeded fuzzing of the ONNX scanner and splicer: whatever the bytes (cut short, flipped, with broken varints, or
// a web page in place of the model), the only error to come out is the typed model-file error, and through the
// loader's inModelFile it names the file.
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../../src/core/decoding/rng';
import { inModelFile } from '../../../src/engine/onnx/model-file-error';
import { scanModel } from '../../../src/engine/onnx/scan';
import { spliceGraph } from '../../../src/engine/onnx/splice';
import { tapVisionEncoder } from '../../../src/engine/taps/vision-tap';
import { makeLlavaModel } from '../../../src/factory/llava/make-model';
import { LensError } from '../../../src/protocol/errors';
import { toyAttentionModel } from '../../support/toy-attention';

const FILE = 'models/tiny/onnx/vision_encoder.onnx';
const vision = Uint8Array.from(makeLlavaModel({ size: 'tiny', dtype: 'fp32' }).files.get('onnx/vision_encoder.onnx')!);
// Copies: protobufjs hands out Node Buffers, whose slice() is a view, not a copy.
const toy = Uint8Array.from(toyAttentionModel(['/m/layers.0/attn', '/m/layers.1/attn']));
const text = (s: string) => new TextEncoder().encode(s);

const int = (rng: Rng, n: number) => Math.floor(rng() * n);

/** Where the structure is: the model's graph field and every node, initializer and name inside it. */
function structureOffsets(bytes: Uint8Array): number[] {
  const model = scanModel(bytes);
  const { tagStart, lengthStart, payload } = model.graphField;
  return [
    tagStart,
    lengthStart,
    payload.start,
    payload.end,
    ...model.graph.initializers.flatMap((t) => [t.span.start, t.span.start - 1, t.span.end]),
  ];
}

type Mutation = (bytes: Uint8Array, rng: Rng) => Uint8Array;

const MUTATIONS: Record<string, Mutation> = {
  truncate: (b, rng) => b.slice(0, int(rng, b.length)),
  'truncate at a structure boundary': (b, rng) => {
    const offsets = structureOffsets(b);
    return b.slice(0, offsets[int(rng, offsets.length)]);
  },
  'flip bytes': (b, rng) => {
    const out = b.slice();
    for (let n = 1 + int(rng, 4); n > 0; n--) out[int(rng, out.length)] ^= 1 << int(rng, 8);
    return out;
  },
  'flip a byte in the structure': (b, rng) => {
    const offsets = structureOffsets(b).filter((o) => o < b.length);
    const out = b.slice();
    const at = offsets[int(rng, offsets.length)]! + int(rng, 3);
    if (at < out.length) out[at] = int(rng, 256);
    return out;
  },
  'bad varint': (b, rng) => {
    const offsets = structureOffsets(b).filter((o) => o < b.length);
    const at = offsets[int(rng, offsets.length)]!;
    const run = 1 + int(rng, 12);
    return Uint8Array.from([...b.subarray(0, at), ...new Array<number>(run).fill(0xff), ...b.subarray(at)]);
  },
  'invalid UTF-8 in a name': (b, rng) => {
    const out = b.slice();
    const names = scanModel(b)
      .graph.nodes.map((n) => n.name)
      .filter(Boolean);
    const name = text(names[int(rng, names.length)]!);
    // The first occurrence of the name's bytes; 0xC3 followed by an ASCII byte is never valid UTF-8.
    for (let i = 0; i + name.length <= out.length; i++) {
      if (name.every((c, j) => out[i + j] === c)) {
        out[i + int(rng, name.length - 1)] = 0xc3;
        break;
      }
    }
    return out;
  },
};

const PAGES = [
  text('<!doctype html><html><head><title>DAMRO Lens</title></head><body><div id="root"></div></body></html>'),
  text('<html>404 Not Found</html>'),
  text('{"error":"Entry not found"}'),
  text('{"model_type":"llava"}'),
  new Uint8Array(0),
];

/** Runs the scanner, then (on a clean scan) the splicer and a whole vision tap, and returns what they threw. */
function attempt(bytes: Uint8Array): unknown {
  try {
    const model = scanModel(bytes);
    const first = model.graph.nodes[0]?.outputs[0];
    spliceGraph(bytes, model, { nodes: [], outputs: first && !model.graph.outputs.includes(first) ? [first] : [] });
    tapVisionEncoder(bytes, { layer: 0, scorers: ['head-mean'] });
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('fuzzing the ONNX scanner and splicer', () => {
  it('every error over 400 seeded variants of two models and five web pages is a typed LensError; scan and splice errors are model-file errors', () => {
    const rng = createRng(20261206);
    const variants: { how: string; bytes: Uint8Array }[] = PAGES.map((bytes, i) => ({ how: `page ${i}`, bytes }));
    const names = Object.keys(MUTATIONS);
    for (let i = 0; i < 400; i++) {
      const how = names[i % names.length]!;
      variants.push({ how, bytes: MUTATIONS[how]!(i % 2 ? vision : toy, rng) });
    }
    const rejected: Record<string, number> = {};
    for (const { how, bytes } of variants) {
      const error = attempt(bytes);
      if (error === undefined) continue;
      if (!(error instanceof LensError)) throw new Error(`${how}: raw ${String(error)}`);
      // Past the scanner, a damaged graph may still be refused by the attention finder, with its own typed error.
      if (error.code === 'bad-model-file')
        expect(error.message, how).toMatch(
          /^The model file (is not a valid ONNX file|cannot take the attention taps) \(.+\)\. /,
        );
      else
        expect(['unsupported-model', 'attention-unavailable'], `${how}: ${error.code} ${error.message}`).toContain(
          error.code,
        );
      rejected[how] = (rejected[how] ?? 0) + 1;
    }
    // The fuzzer must actually reach the error paths: every mutation kind is refused at least sometimes.
    for (const how of names) expect(rejected[how], how).toBeGreaterThan(0);
  });

  it('names the file and where it was cut, including a cut exactly at the end of the graph (no opset yet)', () => {
    const { payload } = scanModel(vision).graphField;
    const cut = vision.slice(0, payload.end);
    expect(() => inModelFile(FILE, () => scanModel(cut))).toThrow(
      `${FILE} is not a valid ONNX file (truncated at byte ${payload.end}: it declares no ONNX opset).`,
    );
    const half = vision.slice(0, 1000);
    expect(() => inModelFile(FILE, () => scanModel(half))).toThrow(
      `${FILE} is not a valid ONNX file (truncated at byte 1000).`,
    );
  });

  it('says a web page is not a model, and a name that is not UTF-8 is a format error, not a TypeError', () => {
    const page = (() => {
      try {
        inModelFile(FILE, () => scanModel(PAGES[0]!));
      } catch (error) {
        return error as LensError;
      }
    })();
    expect(page).toBeInstanceOf(LensError);
    expect(page!.code).toBe('bad-model-file');
    expect(page!.message).toMatch(
      new RegExp(`^${FILE} is not a valid ONNX file \\(it is text, perhaps an HTML error page`),
    );
    const bad = MUTATIONS['invalid UTF-8 in a name']!(vision, createRng(1));
    expect(() => scanModel(bad)).toThrow(/is not valid UTF-8/);
  });
});
