// DAMRO's decoding loop (src/core/damro-spec.md §1.3) for the baseline caption and the DAMRO caption at once: the
// baseline row and DAMRO's full row see every image token, DAMRO's outlier row sees only the k outlier tokens; all rows
// advance in the same decoder call per step. Compared methods (src/core/damro-spec.md §8) add their rows beside them.
import { damroScores, topScoredTokens, type ScoredToken } from '../../core/decoding/contrastive';
import type { MethodName } from '../../core/methods/method';
import { METHODS, type MethodChoice } from '../../core/methods/registry';
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
  /** Methods compared beside the captions, each with the rows the engine built for it. */
  readonly methods?: readonly MethodLane[];
}

/** A compared method's rows: what its main branch sees (the full row, or the ablation's) and its contrast branch. */
export interface MethodLane {
  readonly choice: MethodChoice;
  readonly mainRow: RowSpec;
  /** The image tokens the main row holds, in its order, when not every one (the ablation's). */
  readonly mainTokens?: Int32Array;
  /** Absent for a method without a contrast branch (the ablation). */
  readonly contrastRow?: RowSpec;
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
  | ({ readonly type: 'step' } & StepDiagnostics<ScoredToken>)
  | { readonly type: 'done'; readonly caption: CaptionKind; readonly reason: StopReason; readonly tokens: number }
  | { readonly type: 'method-token'; readonly method: MethodName; readonly step: number; readonly tokenId: number }
  /** A compared method's main row's attention over the image tokens that row holds (MethodLane.mainTokens). */
  | {
      readonly type: 'method-attention';
      readonly method: MethodName;
      readonly step: number;
      readonly data: Float32Array;
    }
  /** A compared method's step: `full` is its main branch, `outlier` its contrast branch (empty without one). */
  | ({ readonly type: 'method-step'; readonly method: MethodName } & StepDiagnostics<ScoredToken>)
  | { readonly type: 'method-done'; readonly method: MethodName; readonly reason: StopReason; readonly tokens: number };

/** One caption being decoded: the baseline's, DAMRO's, or a compared method's (`lane`). */
type DecodingCaption = DecodingState &
  (
    { readonly kind: CaptionKind; readonly lane?: undefined } | { readonly kind?: undefined; readonly lane: MethodLane }
  );

interface DecodingState {
  /** Rows this caption reads: [full] for the baseline, [full, outlier] for DAMRO, [main, contrast?] for a method. */
  readonly rows: readonly number[];
  readonly rng: Rng | undefined;
  /** DAMRO's or the method's score vector, reused every step instead of allocating a vocabulary-sized array. */
  scores: Float32Array<ArrayBuffer> | undefined;
  tokens: number;
  finished: boolean;
}

function layoutRows(plan: DecodePlan): { rows: RowSpec[]; captions: DecodingCaption[] } {
  const rows: RowSpec[] = [];
  const captions: DecodingCaption[] = [];
  for (const kind of plan.captions) {
    const own = [rows.push(plan.fullRow) - 1];
    if (kind === 'damro') {
      if (!plan.outlierRow)
        throw new LensError(
          'internal',
          'A DAMRO caption was asked for without the outlier row (the prompt with only the k outlier image tokens); please report this.',
        );
      own.push(rows.push(plan.outlierRow) - 1);
    }
    // Each caption draws from its own stream seeded alike, as the paper's two runs each start from the seed.
    const rng = plan.decoding.mode === 'sample' ? createRng(plan.decoding.seed) : undefined;
    captions.push({ kind, rows: own, rng, scores: undefined, tokens: 0, finished: false });
  }
  for (const lane of plan.methods ?? []) {
    const own = [rows.push(lane.mainRow) - 1];
    if (lane.contrastRow) own.push(rows.push(lane.contrastRow) - 1);
    const rng = plan.decoding.mode === 'sample' ? createRng(plan.decoding.seed) : undefined;
    captions.push({ lane, rows: own, rng, scores: undefined, tokens: 0, finished: false });
  }
  return { rows, captions };
}

/** The method's scores over the vocabulary for this step, written into the caption's reused score vector. */
function methodScores(caption: DecodingCaption, lane: MethodLane, logits: readonly Float32Array[], step: number) {
  const main = logits[caption.rows[0]];
  caption.scores ??= new Float32Array(main.length);
  const contrast = caption.rows.length > 1 ? logits[caption.rows[1]] : undefined;
  const spec = METHODS[lane.choice.method] as (typeof METHODS)[MethodName];
  return { main, contrast, ...spec.combine(main, contrast, lane.choice.params as never, step, caption.scores) };
}

function tokenEvent(caption: DecodingCaption, step: number, tokenId: number): DecodeEvent {
  return caption.lane
    ? { type: 'method-token', method: caption.lane.choice.method, step, tokenId }
    : { type: 'token', caption: caption.kind, step, tokenId };
}

function doneEvent(caption: DecodingCaption, reason: StopReason): DecodeEvent {
  return caption.lane
    ? { type: 'method-done', method: caption.lane.choice.method, reason, tokens: caption.tokens }
    : { type: 'done', caption: caption.kind, reason, tokens: caption.tokens };
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
      for (const caption of captions) if (!caption.finished) yield doneEvent(caption, 'cancelled');
      return 'cancelled';
    }
    const next: (number | null)[] = rows.map(() => null);
    for (const caption of captions) {
      if (caption.finished) continue;
      const full = output.logits[caption.rows[0]];
      let token: number;
      if (caption.lane) {
        const scored = methodScores(caption, caption.lane, output.logits, step);
        token = choose(scored.scores, plan.decoding, caption.rng);
        if (plan.inspectTop > 0)
          yield {
            type: 'method-step',
            method: caption.lane.choice.method,
            step,
            full: topScoredTokens(scored.main, plan.inspectTop),
            outlier: scored.contrast ? topScoredTokens(scored.contrast, plan.inspectTop) : [],
            combined: topScoredTokens(scored.scores, Math.min(plan.inspectTop, scored.kept)),
            kept: scored.kept,
            cutoff: scored.cutoff,
            changed: greedy(scored.scores) !== greedy(scored.main),
          };
      } else if (caption.kind === 'damro') {
        const outlier = output.logits[caption.rows[1]];
        caption.scores ??= new Float32Array(full.length);
        const combined = damroScores(full, outlier, plan.damro, caption.scores);
        token = choose(combined.scores, plan.decoding, caption.rng);
        // The inspector's candidates cost three softmax passes over the vocabulary; runs nobody inspects skip them.
        if (plan.inspectTop > 0)
          yield {
            type: 'step',
            step,
            full: topScoredTokens(full, plan.inspectTop),
            outlier: topScoredTokens(outlier, plan.inspectTop),
            combined: topScoredTokens(combined.scores, Math.min(plan.inspectTop, combined.kept)),
            kept: combined.kept,
            cutoff: combined.cutoff,
            changed: greedy(combined.scores) !== greedy(full),
          };
      } else {
        token = choose(full, plan.decoding, caption.rng);
      }
      if (eos.has(token)) {
        caption.finished = true;
        yield doneEvent(caption, 'eos');
        continue;
      }
      caption.tokens += 1;
      yield tokenEvent(caption, step, token);
      // A compared method's main row is read by the same batched call; it may not hold every image token.
      const attention = output.attention[caption.rows[0]];
      const text = output.text?.[caption.rows[0]];
      if (attention)
        yield caption.lane
          ? { type: 'method-attention', method: caption.lane.choice.method, step, data: attention }
          : { type: 'attention', caption: caption.kind, step, data: attention, ...(text && { text }) };
      if (caption.tokens >= plan.maxNewTokens) {
        caption.finished = true;
        yield doneEvent(caption, 'max-tokens');
        continue;
      }
      // The token just chosen would be fed at position length + tokens − 1 (the prompt holds 0 … length − 1).
      if (plan.fullRow.length + caption.tokens > maxPositions) {
        caption.finished = true;
        positionLimited = true;
        yield doneEvent(caption, 'position-limit');
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
