// Optimum-style merged decoders (src/engine/browser-stack.md §10) hold the whole decoder twice, as the two
// subgraphs of one If node on the boolean input `use_cache_branch`: then_branch runs with a past cache, else_branch
// without one. The main graph scan steps over subgraphs; this finds that If node's NodeProto in the file and scans
// both branches, so the taps can be added inside them.
import { modelFileError } from './model-file-error';
import { scanGraph, type ScannedGraph, type ScannedModel, type ScannedNode } from './scan';
import { OnnxFormatError, WireReader, WireType, type Span } from './wire';

/** The input transformers.js feeds (true once a past cache exists) to pick an Optimum merged decoder's branch. */
export const CACHE_BRANCH_INPUT = 'use_cache_branch';

const GRAPH_NODE = 1;
const NODE_ATTRIBUTE = 5;
const ATTRIBUTE = { name: 1, g: 6 } as const;
export const BRANCHES = ['then_branch', 'else_branch'] as const;
export type BranchName = (typeof BRANCHES)[number];

export interface IfBranch {
  readonly name: BranchName;
  /** The branch's GraphProto payload inside the file. */
  readonly payload: Span;
  readonly graph: ScannedGraph;
}

export interface CacheBranchIf {
  readonly node: ScannedNode;
  /** The NodeProto field in the main graph, from its tag to the end of its payload. */
  readonly field: Span;
  /** The NodeProto payload. */
  readonly payload: Span;
  /** then_branch (with past), else_branch (without). */
  readonly branches: readonly IfBranch[];
}

/** The main graph's If node on use_cache_branch, or undefined when the graph has none. */
export const cacheBranchIfNode = (model: ScannedModel): ScannedNode | undefined =>
  model.graph.nodes.find((n) => n.opType === 'If' && n.domain === '' && n.inputs[0] === CACHE_BRANCH_INPUT);

function branchesOf(bytes: Uint8Array, node: Span): IfBranch[] {
  const branches: IfBranch[] = [];
  const r = new WireReader(bytes, node.start, node.end);
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field !== NODE_ATTRIBUTE || wireType !== WireType.LEN) {
      r.skip(wireType);
      continue;
    }
    const attribute = r.span();
    const a = new WireReader(bytes, attribute.start, attribute.end);
    let name = '';
    let payload: Span | undefined;
    while (!a.done) {
      const tag = a.tag();
      if (tag.field === ATTRIBUTE.name && tag.wireType === WireType.LEN) name = a.string();
      else if (tag.field === ATTRIBUTE.g && tag.wireType === WireType.LEN) payload = a.span();
      else a.skip(tag.wireType);
    }
    if (payload && (BRANCHES as readonly string[]).includes(name))
      branches.push({ name: name as BranchName, payload, graph: scanGraph(bytes, payload) });
  }
  return BRANCHES.map((name) => {
    const branch = branches.find((b) => b.name === name);
    if (!branch) throw modelFileError(`If node has no ${name} subgraph`);
    return branch;
  });
}

/** Locates `node` (an If node of the main graph) in the file and scans its two branches. */
export function readCacheBranchIf(bytes: Uint8Array, model: ScannedModel, node: ScannedNode): CacheBranchIf {
  const { payload } = model.graphField;
  try {
    const r = new WireReader(bytes, payload.start, payload.end);
    for (let index = 0; !r.done;) {
      const start = r.pos;
      const { field, wireType } = r.tag();
      if (field !== GRAPH_NODE || wireType !== WireType.LEN) {
        r.skip(wireType);
        continue;
      }
      const span = r.span();
      if (index++ === node.index)
        return { node, field: { start, end: span.end }, payload: span, branches: branchesOf(bytes, span) };
    }
  } catch (error) {
    if (error instanceof OnnxFormatError) throw modelFileError(`in If node '${node.name}': ${error.reason}`);
    throw error;
  }
  throw modelFileError(`If node '${node.name}' is not in the graph's node list`);
}
