// Benchmark answering: every question about one image through the same pieces as an interactive run (the
// cached vision pass, DAMRO's top-k outliers, the model's rows, the compared methods' lanes, the shared decode
// loop), minus what only the visualiser reads: per token only its count is sent (eval/token), and decoder attention
// is read back only when the caller asks for hallucination evidence, reduced here to 3 numbers per layer and token,
// for every caption's and compared method's main row alike (all read from the same batched decoder call).
import { selectOutliers } from '../../core/attention/outliers';
import { comparedChoices, type Method } from '../../core/eval/benchmark';
import { rowNorms, stepMeasures } from '../../core/evidence/measures';
import type { CaptionEvidence, ItemEvidence, StepAttentionMeasures } from '../../protocol/evidence';
import type {
  CaptionKind,
  ComparedMethodName,
  EvalImageParams,
  EvalImageResult,
  EvalItemAnswer,
  WorkerEvent,
} from '../../protocol/messages';
import { decode, type MethodLane } from '../decode/loop';
import type { RowSpec } from '../decode/runner';
import { buildMethodLanes, laneImageAttention } from '../lab/method-lanes';
import type { EncodedImage, EncodeOptions, LoadedModel } from '../model';
import { yieldToEventLoop } from '../decode/yield';

const CAPTIONS: readonly CaptionKind[] = ['baseline', 'damro'];

export interface AnswerImageContext {
  readonly model: LoadedModel;
  readonly params: EvalImageParams;
  readonly signal: AbortSignal;
  readonly encode: () => Promise<EncodedImage>;
  /** Told of every token as it is chosen (eval/token), so a slow answer shows life. */
  readonly emit?: (event: Extract<WorkerEvent, { type: 'eval/token' }>) => void;
}

// Rows nobody inspects skip the attention read-back (the tapped decoder still computes it).
const withoutAttention = (row: RowSpec): RowSpec => ({ embeds: row.embeds, length: row.length });

/** Where each step's token ends in the caption text (detokenised prefixes, so word-piece spacing is right). */
function captionEvidence(model: LoadedModel, ids: readonly number[], steps: StepAttentionMeasures[]): CaptionEvidence {
  return { stepEnds: ids.map((_, i) => model.detokenize(ids.slice(0, i + 1)).length), steps };
}

export async function answerImage(ctx: AnswerImageContext): Promise<EvalImageResult> {
  const { model, params, signal } = ctx;
  if (signal.aborted) return { answers: [], cancelled: true, timings: { visionMs: 0, decodeMs: 0 } };
  const choices = comparedChoices(params.methods ?? []);
  const started = performance.now();
  const image = await ctx.encode();
  const visionMs = performance.now() - started;
  const outliers = Int32Array.from(selectOutliers(image.scores, params.damro.k));
  const outlierList = Array.from(outliers);
  const imageEvidence = params.evidence
    ? {
        grid: image.grid ?? model.info.tokenGrid,
        scores: Array.from(image.scores),
        norms: rowNorms(image.features, image.imageTokens, image.hidden),
        outliers: outlierList,
      }
    : undefined;
  const keepRow = params.evidence ? (row: RowSpec) => row : withoutAttention;
  // One noised vision pass per image (timed as decoding): VCD is the only method that asks for one, with the same
  // settings for every item.
  let noised: Promise<EncodedImage> | undefined;
  const encodeWith = (options: EncodeOptions) => (noised ??= model.encodeImage(params.image, options));
  const answers: EvalItemAnswer[] = [];
  for (const item of params.items) {
    await yieldToEventLoop();
    if (signal.aborted) break;
    const rows = await model.buildRows(item.prompt, image, outliers);
    const fullRow = keepRow(rows.full);
    const lanes = choices.length
      ? await buildMethodLanes({ model, prompt: item.prompt, image, fullRow: rows.full, encode: encodeWith }, choices)
      : undefined;
    // A method's main row that is the full prompt stays that same row, so the runner prefills it once for all.
    const laneRows = (lane: MethodLane): MethodLane => ({
      ...lane,
      mainRow: lane.mainRow === rows.full ? fullRow : keepRow(lane.mainRow),
      contrastRow: lane.contrastRow && withoutAttention(lane.contrastRow),
    });
    const byMethod = new Map(lanes?.map((lane) => [lane.choice.method, lane]));
    const runner = model.createRunner();
    const ids: Record<CaptionKind, number[]> = { baseline: [], damro: [] };
    const methodIds = new Map<ComparedMethodName, number[]>(choices.map((c) => [c.method, []]));
    const measures = new Map<Method, StepAttentionMeasures[]>(
      [...CAPTIONS, ...choices.map((c) => c.method)].map((m) => [m, []]),
    );
    const { layers, heads } = model.info.decoder;
    const measure = (frame: Float32Array) => stepMeasures(frame, layers, heads, outlierList);
    try {
      const events = decode(
        runner,
        {
          captions: CAPTIONS,
          fullRow,
          outlierRow: rows.outlier && withoutAttention(rows.outlier),
          damro: params.damro,
          decoding:
            params.decoding === 'greedy'
              ? { mode: 'greedy' }
              : { mode: 'sample', seed: item.seed, temperature: 1, topP: 1 },
          maxNewTokens: params.maxNewTokens,
          maxPositions: model.info.decoder.maxPositions,
          eosTokenIds: model.eosTokenIds,
          inspectTop: 0,
          methods: lanes?.map(laneRows),
        },
        signal,
      );
      for await (const event of events) {
        if (event.type === 'token') {
          ids[event.caption].push(event.tokenId);
          ctx.emit?.({
            type: 'eval/token',
            jobId: params.jobId,
            key: item.key,
            caption: event.caption,
            tokens: ids[event.caption].length,
          });
        } else if (event.type === 'method-token') methodIds.get(event.method)!.push(event.tokenId);
        else if (event.type === 'attention') measures.get(event.caption)!.push(measure(event.data));
        else if (event.type === 'method-attention')
          measures
            .get(event.method)!
            .push(measure(laneImageAttention(byMethod.get(event.method)!, event.data, image.imageTokens)));
      }
    } finally {
      await runner.dispose();
    }
    // A cancel mid-item leaves that item half-written; it is asked again on resume.
    if (signal.aborted) break;
    answers.push({
      key: item.key,
      outputs: {
        baseline: model.detokenize(ids.baseline),
        damro: model.detokenize(ids.damro),
        ...Object.fromEntries([...methodIds].map(([method, own]) => [method, model.detokenize(own)])),
      },
      tokens: {
        baseline: ids.baseline.length,
        damro: ids.damro.length,
        ...Object.fromEntries([...methodIds].map(([method, own]) => [method, own.length])),
      },
      ...(imageEvidence && {
        evidence: {
          image: imageEvidence,
          captions: {
            baseline: captionEvidence(model, ids.baseline, measures.get('baseline')!),
            damro: captionEvidence(model, ids.damro, measures.get('damro')!),
            ...Object.fromEntries(
              [...methodIds].map(([method, own]) => [method, captionEvidence(model, own, measures.get(method)!)]),
            ),
          },
        } satisfies ItemEvidence,
      }),
    });
  }
  return {
    answers,
    cancelled: signal.aborted,
    timings: { visionMs, decodeMs: performance.now() - started - visionMs },
  };
}
