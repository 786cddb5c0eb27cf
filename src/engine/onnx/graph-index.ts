// Producer/consumer lookups over a scanned graph, for walking its topology.
import type { ScannedGraph, ScannedNode } from './scan';

export class GraphIndex {
  private readonly producers = new Map<string, ScannedNode>();
  private readonly consumerLists = new Map<string, ScannedNode[]>();
  private readonly constants = new Set<string>();

  constructor(readonly graph: ScannedGraph) {
    for (const t of graph.initializers) this.constants.add(t.name);
    for (const node of graph.nodes) {
      for (const output of node.outputs) this.producers.set(output, node);
      if (node.opType === 'Constant' && node.domain === '')
        for (const output of node.outputs) this.constants.add(output);
      for (const input of node.inputs) {
        if (!input) continue;
        const list = this.consumerLists.get(input);
        if (list) list.push(node);
        else this.consumerLists.set(input, [node]);
      }
    }
  }

  producer(tensor: string): ScannedNode | undefined {
    return this.producers.get(tensor);
  }

  consumers(tensor: string): readonly ScannedNode[] {
    return this.consumerLists.get(tensor) ?? [];
  }

  /** A weight or folded constant (initializer or Constant output), as opposed to an activation. */
  isConstant(tensor: string): boolean {
    return this.constants.has(tensor);
  }

  isActivation(tensor: string): boolean {
    return tensor !== '' && !this.constants.has(tensor);
  }
}
