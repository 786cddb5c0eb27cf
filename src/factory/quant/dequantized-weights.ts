// The weights a q4 model effectively computes with: every linear weight replaced by its 4-bit round trip.
// The reference forward pass on these is the oracle for the q4 graphs.
import type { Linear, LlavaWeights } from '../llava/weights';
import type { WeightFormat } from '../llava/linear-node';
import { dequantizeQ4, quantizeQ4 } from './q4';

const roundTrip = (l: Linear): Linear => ({ ...l, weight: dequantizeQ4(quantizeQ4(l.weight, l.inDim, l.outDim)) });

export function effectiveWeights(w: LlavaWeights, format: WeightFormat): LlavaWeights {
  if (format === 'fp32') return w;
  const vision = {
    ...w.vision,
    layers: w.vision.layers.map((l) => ({
      ...l,
      q: roundTrip(l.q),
      k: roundTrip(l.k),
      v: roundTrip(l.v),
      out: roundTrip(l.out),
      fc1: roundTrip(l.fc1),
      fc2: roundTrip(l.fc2),
    })),
    projector1: roundTrip(w.vision.projector1),
    projector2: roundTrip(w.vision.projector2),
  };
  const text = {
    ...w.text,
    layers: w.text.layers.map((l) => ({
      ...l,
      q: roundTrip(l.q),
      k: roundTrip(l.k),
      v: roundTrip(l.v),
      o: roundTrip(l.o),
      gate: roundTrip(l.gate),
      up: roundTrip(l.up),
      down: roundTrip(l.down),
    })),
    lmHead: roundTrip(w.text.lmHead),
  };
  return { ...w, vision, text };
}
