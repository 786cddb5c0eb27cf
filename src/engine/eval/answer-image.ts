// Benchmark answering: every question about one image through the same pieces as an interactive run (the
// cached vision pass, DAMRO's top-k outliers, the model's rows, the shared decode loop), minus what only the
// visualiser reads: decoder attention is not read back and no per-token events are sent.
import { topK } from '../../core/tensor/topk';
import { LensError } from '../../protocol/errors';
import type { CaptionKind, EvalImageParams, EvalImageResult, EvalItemAnswer } from '../../protocol/messages';
import { decode } from '../decode/loop';
import type { RowSpec } from '../decode/runner';
import type { EncodedImage, LoadedModel } from '../model';
import { yieldToEventLoop } from '../decode/yield';

const CAPTIONS: readonly CaptionKind[] = ['baseline', 'damro'];

export interface AnswerImageContext {
  readonly model: LoadedModel;
  readonly params: EvalImageParams;
  readonly signal: AbortSignal;
  readonly encode: () => Promise<EncodedImage>;
}

/** The reasons an eval call cannot start, in one message; the run path checks the same bounds. */
export function validateEvalImage(params: EvalImageParams): void {
  const problems: string[] = [];
  if (params.items.length === 0) problems.push('no question was given for this image');
  params.items.forEach((item) => {
    if (!item.prompt.trim()) problems.push(`question ${item.key} has an empty prompt`);
  });
  if (!(params.damro.alpha >= 0 && Number.isFinite(params.damro.alpha))) problems.push(`α must be ≥ 0 (got ${params.damro.alpha})`);
  if (!(params.damro.beta > 0 && params.damro.beta <= 1)) problems.push(`β must be in (0, 1] (got ${params.damro.beta})`);
  if (!Number.isInteger(params.damro.k)) problems.push(`k must be a whole number (got ${params.damro.k})`);
  if (!(Number.isInteger(params.maxNewTokens) && params.maxNewTokens >= 1 && params.maxNewTokens <= 1024)) problems.push(`max new tokens must be 1–1024 (got ${params.maxNewTokens})`);
  if (problems.length) throw new LensError('bad-request', `Cannot answer the benchmark questions: ${problems.join('; ')}.`);
}


// Rows nobody inspects skip the attention read-back (the tapped decoder still computes it).
const withoutAttention = (row: RowSpec): RowSpec => ({ embeds: row.embeds, length: row.length });

export async function answerImage(ctx: AnswerImageContext): Promise<EvalImageResult> {
  const { model, params, signal } = ctx;
  if (signal.aborted) return { answers: [], cancelled: true, timings: { visionMs: 0, decodeMs: 0 } };
  const started = performance.now();
  const image = await ctx.encode();
  const visionMs = performance.now() - started;
  if (params.damro.k < 1 || params.damro.k > image.imageTokens) {
    throw new LensError('bad-request', `DAMRO's k must be between 1 and the ${image.imageTokens} image tokens of this model; got ${params.damro.k}.`);
  }
  const outliers = Int32Array.from(topK(image.scores, params.damro.k));
  const answers: EvalItemAnswer[] = [];
  for (const item of params.items) {
    await yieldToEventLoop();
    if (signal.aborted) break;
    const rows = await model.buildRows(item.prompt, image, outliers);
    const runner = model.createRunner();
    const ids: Record<CaptionKind, number[]> = { baseline: [], damro: [] };
    try {
      const events = decode(
        runner,
        {
          captions: CAPTIONS,
          fullRow: withoutAttention(rows.full),
          outlierRow: rows.outlier && withoutAttention(rows.outlier),
          damro: params.damro,
          decoding: params.decoding === 'greedy' ? { mode: 'greedy' } : { mode: 'sample', seed: item.seed, temperature: 1, topP: 1 },
          maxNewTokens: params.maxNewTokens,
          eosTokenIds: model.eosTokenIds,
          inspectTop: 0,
        },
        signal,
      );
      for await (const event of events) if (event.type === 'token') ids[event.caption].push(event.tokenId);
    } finally {
      await runner.dispose();
    }
    // A cancel mid-item leaves that item half-written; it is asked again on resume.
    if (signal.aborted) break;
    answers.push({
      key: item.key,
      outputs: { baseline: model.detokenize(ids.baseline), damro: model.detokenize(ids.damro) },
      tokens: { baseline: ids.baseline.length, damro: ids.damro.length },
    });
  }
  return { answers, cancelled: signal.aborted, timings: { visionMs, decodeMs: performance.now() - started - visionMs } };
}
