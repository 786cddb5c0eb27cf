// One captioning run: the vision pass (cached per image), DAMRO's outlier selection, the compared methods' rows, the
// shared decode loop, and the translation of its events into wire events for the UI.
import { rowNorms, stepMeasures } from '../../core/evidence/measures';
import { selectOutliers } from '../../core/attention/outliers';
import { methodChoice } from '../../core/methods/registry';
import type { CaptionKind, ComparedMethodName, RunParams, WorkerEvent } from '../../protocol/messages';
import { summariseFrame } from '../attention/extract';
import { decode } from '../decode/loop';
import { buildMethodLanes, laneImageAttention } from '../lab/method-lanes';
import type { EncodedImage, LoadedModel } from '../model';
import type { AttentionStore } from './attention-store';

export type Emit = (event: WorkerEvent, transfer?: Transferable[]) => void;

export interface RunContext {
  readonly runId: number;
  readonly model: LoadedModel;
  readonly params: RunParams;
  readonly signal: AbortSignal;
  readonly emit: Emit;
  readonly attention: AttentionStore;
  /** The vision pass for this image, computed on first use and then reused by later runs. */
  readonly encode: () => Promise<EncodedImage>;
}

const INSPECT_TOP = 5;

interface CaptionText {
  readonly ids: number[];
  text: string;
}

export async function executeRun(ctx: RunContext): Promise<void> {
  const { runId, model, params, emit } = ctx;
  // Cancelled while it waited for the ORT lane: it ends the way a cancelled run ends, without touching the model.
  if (ctx.signal.aborted) {
    for (const caption of params.captions) emit({ type: 'run/done', runId, caption, reason: 'cancelled', tokens: 0 });
    for (const { method } of params.methods ?? [])
      emit({ type: 'run/method-done', runId, method, reason: 'cancelled', tokens: 0 });
    emit({ type: 'run/finished', runId, timings: { visionMs: 0, prefillMs: 0, decodeMs: 0, steps: 0 } });
    return;
  }
  const started = performance.now();
  const image = await ctx.encode();
  const visionMs = performance.now() - started;
  // The grid this image's tokens lie on: the model's, or the image's own where the processor sizes it per image.
  const tokenGrid = image.grid ?? model.info.tokenGrid;

  const wantsDamro = params.captions.includes('damro');
  const outlierList = selectOutliers(image.scores, params.damro.k);
  const outliers = Int32Array.from(outlierList);
  const scores = image.scores.slice();
  // Token norms travel with the scores for the hallucination evidence (score–norm correlation).
  const norms = Float32Array.from(rowNorms(image.features, image.imageTokens, image.hidden));
  emit(
    {
      type: 'run/outliers',
      runId,
      grid: tokenGrid,
      scores,
      indices: outliers.slice(),
      scorer: model.info.scorer,
      norms,
    },
    [scores.buffer, norms.buffer],
  );

  const rows = await model.buildRows(params.prompt, image, wantsDamro ? outliers : undefined);
  if (rows.text) ctx.attention.putPrompt(runId, rows.text);
  // A compared method's own vision pass (VCD's noised image) is not cached: its noise belongs to this run's settings.
  const methods = params.methods?.length
    ? await buildMethodLanes(
        {
          model,
          prompt: params.prompt,
          image,
          fullRow: rows.full,
          encode: (options) => model.encodeImage(params.image, options),
        },
        params.methods.map(methodChoice),
      )
    : undefined;
  const runner = model.createRunner();
  const texts = new Map<CaptionKind, CaptionText>(params.captions.map((c) => [c, { ids: [], text: '' }]));
  const methodTexts = new Map<ComparedMethodName, CaptionText>(
    (params.methods ?? []).map((m) => [m.method, { ids: [], text: '' }]),
  );
  // Detokenising the whole caption and sending the new suffix keeps word-piece spacing right.
  const extend = (caption: CaptionText, tokenId: number): string => {
    caption.ids.push(tokenId);
    const text = model.detokenize(caption.ids);
    const added = text.slice(caption.text.length);
    caption.text = text;
    return added;
  };
  const prefillStarted = performance.now();
  let decodeStarted = prefillStarted;
  let steps = 0;
  try {
    const events = decode(
      runner,
      {
        captions: params.captions,
        fullRow: rows.full,
        outlierRow: rows.outlier,
        damro: params.damro,
        decoding: params.decoding,
        maxNewTokens: params.maxNewTokens,
        maxPositions: model.info.decoder.maxPositions,
        eosTokenIds: model.eosTokenIds,
        inspectTop: INSPECT_TOP,
        methods,
      },
      ctx.signal,
    );
    for await (const event of events) {
      if (steps === 0) decodeStarted = performance.now();
      switch (event.type) {
        case 'token':
          steps = Math.max(steps, event.step + 1);
          emit({
            type: 'run/token',
            runId,
            caption: event.caption,
            step: event.step,
            tokenId: event.tokenId,
            text: extend(texts.get(event.caption)!, event.tokenId),
          });
          break;
        case 'attention': {
          ctx.attention.put(runId, event.caption, event.step, { image: event.data, text: event.text });
          const frame = summariseFrame(event.data, model.info.decoder, params.attention, outliers);
          emit(
            {
              type: 'run/attention',
              runId,
              caption: event.caption,
              step: event.step,
              grid: tokenGrid,
              values: frame.values,
              outlierShare: frame.outlierShare,
            },
            [frame.values.buffer],
          );
          break;
        }
        case 'step':
        case 'method-step': {
          const named = (list: typeof event.full) =>
            list.map((c) => ({
              tokenId: c.id,
              text: model.detokenize([c.id]),
              score: c.logit,
              probability: c.probability,
            }));
          emit({
            ...(event.type === 'step'
              ? { type: 'run/step' as const }
              : { type: 'run/method-step' as const, method: event.method }),
            runId,
            step: event.step,
            full: named(event.full),
            outlier: named(event.outlier),
            combined: named(event.combined),
            kept: event.kept,
            cutoff: event.cutoff,
            changed: event.changed,
          });
          break;
        }
        case 'done':
          emit({ type: 'run/done', runId, caption: event.caption, reason: event.reason, tokens: event.tokens });
          break;
        case 'method-token':
          steps = Math.max(steps, event.step + 1);
          emit({
            type: 'run/method-token',
            runId,
            method: event.method,
            step: event.step,
            tokenId: event.tokenId,
            text: extend(methodTexts.get(event.method)!, event.tokenId),
          });
          break;
        case 'method-attention': {
          // Only the evidence measures leave the worker: the full frames stay the captions' (the detail budget).
          const lane = methods!.find((m) => m.choice.method === event.method)!;
          const frame = laneImageAttention(lane, event.data, image.imageTokens);
          const { layers, heads } = model.info.decoder;
          emit({
            type: 'run/method-evidence',
            runId,
            method: event.method,
            step: event.step,
            measures: stepMeasures(frame, layers, heads, outlierList),
          });
          break;
        }
        case 'method-done':
          emit({ type: 'run/method-done', runId, method: event.method, reason: event.reason, tokens: event.tokens });
          break;
      }
    }
  } finally {
    await runner.dispose();
  }
  const now = performance.now();
  emit({
    type: 'run/finished',
    runId,
    timings: { visionMs, prefillMs: decodeStarted - prefillStarted, decodeMs: now - decodeStarted, steps },
  });
}
