// DAMRO's decoding loop (src/core/damro-spec.md §1.3) for the baseline caption and the DAMRO caption at once: the
// baseline row and DAMRO's full row see every image token, DAMRO's outlier row sees only the k outlier tokens; all rows
// advance in the same decoder call per step.
import { damroScores, topCandidates, type Candidate } from '../../core/decoding/contrastive';
import { createRng, type Rng } from '../../core/decoding/rng';
import { greedy, sampleFromLogits } from '../../core/decoding/sampling';
import type { CaptionKind, DamroSettings, Decoding, StepDiagnostics, StopReason } from '../../protocol/messages';
import { LensError } from '../../protocol/errors';
import type { DecoderRunner, RowSpec } from './runner';
import { yieldToEventLoop } from './yield';

export interface DecodePlan {
  readonly captions: readonly CaptionKind[];
  /** The prompt with every image token. */
  readonly fullRow: RowSpec;
  /** The prompt with only the outlier image tokens, in descending score order (needed for 'damro'). */
  readonly outlierRow?: RowSpec;
  readonly damro: DamroSettings;
  readonly decoding: Decoding;
  readonly maxNewTokens: number;
  /** The decoder's position limit: a caption stops ('position-limit') before it would need a position past it. */
  readonly maxPositions?: number;
  readonly eosTokenIds: readonly number[];
  /** How many candidates the step inspector shows per branch; 0 emits no step diagnostics. */
  readonly inspectTop: number;
}

export type DecodeEvent =
  | { readonly type: 'token'; readonly caption: CaptionKind; readonly step: number; readonly tokenId: number }
  | {
      readonly type: 'attention';
      readonly caption: CaptionKind;
      readonly step: number;
      /** [layers, heads, imageTokens]; text: [layers, heads, textKeys] when the runner read it (StepOutput.text). */
      readonly data: Float32Array;
      readonly text?: Float32Array;
    }
  | ({ readonly type: 'step' } & StepDiagnostics<Candidate>)
  | { readonly type: 'done'; readonly caption: CaptionKind; readonly reason: StopReason; readonly tokens: number };

interface CaptionState {
  readonly kind: CaptionKind;
  /** Rows this caption reads: [full] for the baseline, [full, outlier] for DAMRO. */
  readonly rows: readonly number[];
  readonly rng: Rng | undefined;
  /** DAMRO's score vector, reused every step instead of allocating a vocabulary-sized array. */
  scores: Float32Array<ArrayBuffer> | undefined;
  tokens: number;
  finished: boolean;
}

function layoutRows(plan: DecodePlan): { rows: RowSpec[]; captions: CaptionState[] } {
  const rows: RowSpec[] = [];
  const captions: CaptionState[] = [];
  for (const kind of plan.captions) {
    const own = [rows.push(plan.fullRow) - 1];
    if (kind === 'damro') {
      if (!plan.outlierRow) throw new Error('A DAMRO caption needs the outlier row.');
      own.push(rows.push(plan.outlierRow) - 1);
    }
    // Each caption draws from its own stream seeded alike, as the paper's two runs each start from the seed.
    const rng = plan.decoding.mode === 'sample' ? createRng(plan.decoding.seed) : undefined;
    captions.push({ kind, rows: own, rng, scores: undefined, tokens: 0, finished: false });
  }
  return { rows, captions };
}

function choose(scores: Float32Array, decoding: Decoding, rng: Rng | undefined): number {
  if (decoding.mode === 'greedy' || !rng) return greedy(scores);
  return sampleFromLogits(scores, rng, { temperature: decoding.temperature, topP: decoding.topP });
}

/**
 * Yields tokens, attention and DAMRO diagnostics step by step. It awaits the runner every step, so a cancel
 * delivered through `signal` stops it within one step.
 */
export async function* decode(
  runner: DecoderRunner,
  plan: DecodePlan,
  signal: AbortSignal,
): AsyncGenerator<DecodeEvent, StopReason> {
  const { rows, captions } = layoutRows(plan);
  const maxPositions = plan.maxPositions ?? Infinity;
  if (plan.fullRow.length > maxPositions) {
    throw new LensError(
      'bad-request',
      `The prompt and the image take ${plan.fullRow.length} positions, more than the ${maxPositions} this model has (max_position_embeddings in its config.json). Shorten the prompt.`,
    );
  }
  let output = await runner.prefill(rows);
  const eos = new Set(plan.eosTokenIds);
  let positionLimited = false;
  for (let step = 0; ; step++) {
    if (signal.aborted) {
      for (const caption of captions)
        if (!caption.finished)
          yield { type: 'done', caption: caption.kind, reason: 'cancelled', tokens: caption.tokens };
      return 'cancelled';
    }
    const next: (number | null)[] = rows.map(() => null);
    for (const caption of captions) {
      if (caption.finished) continue;
      const full = output.logits[caption.rows[0]];
      let token: number;
      if (caption.kind === 'damro') {
        const outlier = output.logits[caption.rows[1]];
        caption.scores ??= new Float32Array(full.length);
        const combined = damroScores(full, outlier, plan.damro, caption.scores);
        token = choose(combined.scores, plan.decoding, caption.rng);
        // The inspector's candidates cost three softmax passes over the vocabulary; runs nobody inspects skip them.
        if (plan.inspectTop > 0)
          yield {
            type: 'step',
            step,
            full: topCandidates(full, plan.inspectTop),
            outlier: topCandidates(outlier, plan.inspectTop),
            combined: topCandidates(combined.scores, Math.min(plan.inspectTop, combined.kept)),
            kept: combined.kept,
            cutoff: combined.cutoff,
            changed: greedy(combined.scores) !== greedy(full),
          };
      } else {
        token = choose(full, plan.decoding, caption.rng);
      }
      if (eos.has(token)) {
        caption.finished = true;
        yield { type: 'done', caption: caption.kind, reason: 'eos', tokens: caption.tokens };
        continue;
      }
      caption.tokens += 1;
      yield { type: 'token', caption: caption.kind, step, tokenId: token };
      const attention = output.attention[caption.rows[0]];
      const text = output.text?.[caption.rows[0]];
      if (attention) yield { type: 'attention', caption: caption.kind, step, data: attention, ...(text && { text }) };
      if (caption.tokens >= plan.maxNewTokens) {
        caption.finished = true;
        yield { type: 'done', caption: caption.kind, reason: 'max-tokens', tokens: caption.tokens };
        continue;
      }
      // The token just chosen would be fed at position length + tokens − 1 (the prompt holds 0 … length − 1).
      if (plan.fullRow.length + caption.tokens > maxPositions) {
        caption.finished = true;
        positionLimited = true;
        yield { type: 'done', caption: caption.kind, reason: 'position-limit', tokens: caption.tokens };
        continue;
      }
      for (const row of caption.rows) next[row] = token;
    }
    if (captions.every((caption) => caption.finished))
      return captions.some((c) => c.tokens >= plan.maxNewTokens)
        ? 'max-tokens'
        : positionLimited
          ? 'position-limit'
          : 'eos';
    await yieldToEventLoop();
    if (signal.aborted) continue;
    output = await runner.step(next);
  }
}
