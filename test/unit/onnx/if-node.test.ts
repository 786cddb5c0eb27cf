// Splicing inside an If node's branches refuses edits that would leave an invalid model, naming what is wrong,
// before any byte is written: a branch node reading a name neither the branch nor the main graph defines, branches
// handing out a different number of outputs than the If node gets, and an If output name that already exists.
import { describe, expect, it } from 'vitest';
import { cacheBranchIfNode, readCacheBranchIf } from '../../../src/engine/onnx/if-node';
import { scanModel } from '../../../src/engine/onnx/scan';
import { spliceIfBranches, type BranchAdditions } from '../../../src/engine/onnx/splice';
import { LensError } from '../../../src/protocol/errors';
import { tapDecoder } from '../../../src/engine/taps/decoder-tap';
import { buildGqaDecoderGraph } from '../../../src/factory/gqa/decoder-graph';
import { makeIfMergedLlavaModel, mergeDecoders } from '../../../src/factory/if-merged/make-model';
import { makeLlavaModel } from '../../../src/factory/llava/make-model';

const bytes = makeIfMergedLlavaModel().get('onnx/decoder_model_merged.onnx')!;
const model = scanModel(bytes);
const found = readCacheBranchIf(bytes, model, cacheBranchIfNode(model)!);

const identity = (branch: string, input: string): BranchAdditions => ({
  branch,
  nodes: [{ name: `t/${branch}`, opType: 'Identity', inputs: [input], outputs: [`t/${branch}/out`] }],
  outputs: [`t/${branch}/out`],
});
const splice = (branches: BranchAdditions[], ifOutputs: string[]) => () =>
  spliceIfBranches(bytes, model, found, branches, ifOutputs, { nodes: [], outputs: ifOutputs });

describe('spliceIfBranches', () => {
  it('reads both branches of optimum::if, then before else', () => {
    expect(found.branches.map((b) => b.name)).toEqual(['then_branch', 'else_branch']);
    expect(found.node.name).toBe('optimum::if');
  });

  it('lets branch nodes read the main graph (inputs, weights) and exposes the new If output', () => {
    const editedBytes = splice(
      [identity('then_branch', 'attention_mask'), identity('else_branch', 'inputs_embeds')],
      ['t/out'],
    )();
    const edited = scanModel(editedBytes);
    expect(edited.graph.nodes[0]!.outputs.at(-1)).toBe('t/out');
    expect(edited.graph.outputs.at(-1)).toBe('t/out');
    const { branches } = readCacheBranchIf(editedBytes, edited, cacheBranchIfNode(edited)!);
    for (const branch of branches) expect(branch.graph.outputs.at(-1)).toBe(`t/${branch.name}/out`);
  });

  it.each([
    [
      'a name nothing defines',
      [identity('then_branch', 'nowhere'), identity('else_branch', 'inputs_embeds')],
      ['t/out'],
      /node 't\/then_branch' reads 'nowhere', which nothing produces/,
    ],
    [
      'more If outputs than branch outputs',
      [identity('then_branch', 'inputs_embeds'), identity('else_branch', 'inputs_embeds')],
      ['t/out', 't/out2'],
      /then_branch would hand out 1 new outputs, not 2/,
    ],
    [
      'an If output that exists',
      [identity('then_branch', 'inputs_embeds'), identity('else_branch', 'inputs_embeds')],
      ['logits'],
      /'logits' already exists/,
    ],
  ])('refuses %s', (_, branches, ifOutputs, message) => {
    let error: unknown;
    try {
      splice(branches, ifOutputs)();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LensError);
    expect((error as LensError).code).toBe('bad-model-file');
    expect((error as LensError).message).toMatch(message);
  });
});

describe('tapDecoder on an If-merged decoder it cannot read', () => {
  it('refuses fused GroupQueryAttention inside the branches, naming the branch, the If node and the way out', () => {
    const gqa = buildGqaDecoderGraph(makeLlavaModel({ size: 'tiny', dtype: 'fp32' }).weights, 'fp32', {
      kvHeads: 2,
      qkOutput: false,
    });
    const merged = mergeDecoders(gqa, gqa);
    let error: unknown;
    try {
      tapDecoder(merged);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LensError);
    expect((error as LensError).code).toBe('attention-unavailable');
    expect((error as LensError).message).toMatch(
      /decoder's with-past branch \(then_branch\) of If node 'optimum::if' computes attention in fused nodes with a KV cache.*Use an export without the If node/,
    );
  });
});
