import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { scanModel } from '../../../src/engine/onnx/scan';
import { findAttentionSites } from '../../../src/engine/onnx/sites/find-sites';
import { tapDecoder } from '../../../src/engine/taps/decoder-tap';
import { tapVisionEncoder } from '../../../src/engine/taps/vision-tap';
import { LensError } from '../../../src/protocol/errors';
import { makeLlavaModel } from '../../../src/factory/llava/make-model';
import { makePaliGemmaModel } from '../../../src/factory/paligemma/make-model';
import { DECODER_TENSORS, VISION_LAYER_SCOPE, VISION_TENSORS } from '../../../src/factory/llava/tensor-names';
import { toyAttentionModel } from '../../support/toy-attention';

const fp32 = makeLlavaModel({ size: 'tiny', dtype: 'fp32' });
const q4 = makeLlavaModel({ size: 'tiny', dtype: 'q4' });

function thrown(f: () => unknown): LensError {
  try {
    f();
  } catch (error) {
    if (error instanceof LensError) return error;
    throw error;
  }
  throw new Error('expected a LensError');
}

describe('the unfused-softmax site finder on the factory graphs', () => {
  it.each([
    ['fp32', fp32.files.get('onnx/vision_encoder.onnx')!],
    ['q4', q4.files.get('onnx/vision_encoder_q4.onnx')!],
  ])('finds every vision layer in order, with its raw q_proj/k_proj and output (%s)', (_, bytes) => {
    const sites = findAttentionSites(scanModel(bytes), 'vision encoder');
    expect(sites.map((s) => [s.layer, s.strategy, s.probs, s.queryProjection, s.keyProjection, s.layerOutput])).toEqual(
      [0, 1].map((l) => [
        l,
        'unfused-softmax',
        VISION_TENSORS.softmax(l),
        VISION_TENSORS.qProj(l),
        VISION_TENSORS.kProj(l),
        `${VISION_LAYER_SCOPE(l)}/Add_1_output_0`,
      ]),
    );
  });

  it.each([
    ['fp32', fp32.files.get('onnx/decoder_model_merged.onnx')!],
    ['q4', q4.files.get('onnx/decoder_model_merged_q4.onnx')!],
    // Gemma 2's soft-capped scores (Div, Tanh, Mul between Q·Kᵀ and the mask) and no attention_mask input.
    ['PaliGemma 2 soft-capped', makePaliGemmaModel().files.get('onnx/decoder_model_merged.onnx')!],
  ])('finds every decoder layer; rotary Q and cached K are not raw projections (%s)', (_, bytes) => {
    const sites = findAttentionSites(scanModel(bytes), 'decoder');
    expect(sites.map((s) => [s.layer, s.probs, s.queryProjection, s.keyProjection])).toEqual(
      [0, 1].map((l) => [l, DECODER_TENSORS.softmax(l), undefined, undefined]),
    );
  });
});

describe('graphs whose attention cannot be read give a clear error', () => {
  it('names fused com.microsoft GroupQueryAttention nodes', () => {
    const bytes = toyAttentionModel(['/model/layers.0/attn'], {
      extra: (g, x) => {
        const out = g.node('/model/layers.1/attn', 'GroupQueryAttention', [x, x, x], {
          domain: 'com.microsoft',
          attrs: { num_heads: { i: 2 }, kv_num_heads: { i: 2 } },
          outputs: 3,
        });
        return out[0]!;
      },
    });
    const error = thrown(() => tapDecoder(bytes));
    expect(error.code).toBe('attention-unavailable');
    expect(error.message).toContain('1 × com.microsoft.GroupQueryAttention');
    expect(error.message).toContain("'/model/layers.1/attn/GroupQueryAttention'");
    expect(error.message).toContain('decoder');
  });

  it('names what a MultiHeadAttention node takes that recomputed rows would miss (a mask), and refuses it in a decoder', () => {
    const masked = toyAttentionModel([], {
      extra: (g, x) =>
        g.op(
          '/vision/layers.0/attn',
          'MultiHeadAttention',
          [x, x, x, '', 'mask'],
          { num_heads: { i: 2 } },
          'com.microsoft',
        ),
    });
    expect(() => tapVisionEncoder(masked, { layer: 0, scorers: ['head-mean'] })).toThrow(
      /MultiHeadAttention node '\/vision\/layers\.0\/attn\/MultiHeadAttention' takes a mask, an attention bias or past state: its key_padding_mask input \(4, 'mask'\) is set; supported: inputs 4 and up empty/,
    );
    const plain = toyAttentionModel([], {
      extra: (g, x) =>
        g.op('/model/layers.0/attn', 'MultiHeadAttention', [x, x, x], { num_heads: { i: 2 } }, 'com.microsoft'),
    });
    expect(() => tapDecoder(plain)).toThrow(
      /decoder computes attention in fused MultiHeadAttention nodes \('\/model\/layers\.0\/attn\/MultiHeadAttention'\) that take no past keys \(input 6 empty\)/,
    );
  });

  it.each([
    // An Optimum merged decoder is read inside its branches, which here hold no attention.
    [
      'use_cache_branch',
      /No attention found in the decoder's with-past branch \(then_branch\) graph: none of its 1 Softmax/,
    ],
    // Any other If is refused as control flow, naming the one layout that is read.
    [
      'is_first_step',
      /1 × If \(first: 'optimum::if'\).*only in Optimum merged decoders \(one If node on the use_cache_branch/,
    ],
  ])('refuses an If node on %s whose branches it cannot read, saying why', (condition, message) => {
    // A schema of its own: the If's then/else branches are GraphProto attributes (AttributeProto.g = 6).
    const root = protobuf.Root.fromJSON({
      nested: {
        Attribute: {
          fields: { name: { id: 1, type: 'string' }, g: { id: 6, type: 'Graph' }, type: { id: 20, type: 'int32' } },
        },
        Node: {
          fields: {
            input: { id: 1, type: 'string', rule: 'repeated' },
            output: { id: 2, type: 'string', rule: 'repeated' },
            name: { id: 3, type: 'string' },
            op_type: { id: 4, type: 'string' },
            attribute: { id: 5, type: 'Attribute', rule: 'repeated' },
          },
        },
        Value: { fields: { name: { id: 1, type: 'string' } } },
        Graph: {
          fields: {
            node: { id: 1, type: 'Node', rule: 'repeated' },
            input: { id: 11, type: 'Value', rule: 'repeated' },
            output: { id: 12, type: 'Value', rule: 'repeated' },
          },
        },
        Opset: { fields: { domain: { id: 1, type: 'string' }, version: { id: 2, type: 'int64' } } },
        Model: {
          fields: {
            ir_version: { id: 1, type: 'int64' },
            graph: { id: 7, type: 'Graph' },
            opset_import: { id: 8, type: 'Opset', rule: 'repeated' },
          },
        },
      },
    });
    const Model = root.lookupType('Model');
    const branch = (name: string) => ({
      node: [{ input: ['x'], output: [name], name, op_type: 'Softmax' }],
      output: [{ name }],
    });
    const bytes = Model.encode(
      Model.fromObject({
        ir_version: 8,
        opset_import: [{ domain: '', version: 17 }],
        graph: {
          input: [{ name: condition }, { name: 'x' }],
          output: [{ name: 'logits' }],
          node: [
            {
              input: [condition],
              output: ['logits'],
              name: 'optimum::if',
              op_type: 'If',
              attribute: [
                { name: 'then_branch', g: branch('a'), type: 5 },
                { name: 'else_branch', g: branch('b'), type: 5 },
              ],
            },
          ],
        },
      }),
    ).finish();
    const error = thrown(() => tapDecoder(bytes));
    expect(error.code).toBe('attention-unavailable');
    expect(error.message).toMatch(message);
  });

  it('says so when no Softmax sits between Q·Kᵀ and V', () => {
    const noAttention = toyAttentionModel([], { extra: (g, x) => g.op('/head', 'Softmax', [x], { axis: { i: -1 } }) });
    expect(() => tapDecoder(noAttention)).toThrow(/none of its 1 Softmax nodes sits between Q·Kᵀ and a MatMul with V/);
    expect(() => tapDecoder(toyAttentionModel([]))).toThrow(/it has no Softmax node/);
  });

  it('refuses layer names that contradict the graph order, and accepts layers skipped in order', () => {
    expect(
      findAttentionSites(scanModel(toyAttentionModel(['/m/layers.0/attn', '/m/layers.1/attn'])), 'decoder').map(
        (s) => s.layer,
      ),
    ).toEqual([0, 1]);
    expect(() =>
      findAttentionSites(scanModel(toyAttentionModel(['/m/layers.1/attn', '/m/layers.0/attn'])), 'decoder'),
    ).toThrow(/site 1 in node order is '\/m\/layers\.0\/attn\/Softmax' \(layer 0 by name\) after a site of layer 1/);
    // A hybrid decoder's convolution layers have no site: names may skip layers, in order.
    expect(
      findAttentionSites(scanModel(toyAttentionModel(['/m/layers.1/attn', '/m/layers.3/attn'])), 'decoder').map(
        (s) => s.layer,
      ),
    ).toEqual([0, 1]);
  });

  it('says which scorer needs what when a projection cannot be traced', () => {
    // A decoder's rotary Q is no plain view of q_proj.
    expect(() =>
      tapVisionEncoder(fp32.files.get('onnx/decoder_model_merged.onnx')!, { layer: 0, scorers: ['clip-single-head'] }),
    ).toThrow(/'clip-single-head' needs the q_proj output of vision layer 0/);
  });
});
