// Hallucination evidence of the captions made on this page: once a run has finished and its image's objects are
// known, the full attention of each labelled word's step is fetched from the worker (the detail a click would
// fetch) and the word's records are added to the session's; the summary is recomputed with the CLI's functions.
// A compared method's words take the measures the worker sent with its tokens (run/method-evidence).
import type { LensController } from './lens-controller';
import { stepMeasures } from '../core/evidence/measures';
import { objectCells } from '../core/evidence/object-cells';
import {
  imageRecord,
  stepAt,
  tokenRecordsAt,
  verdictSpans,
  type ImageRecord,
  type TokenRecord,
} from '../core/evidence/records';
import { summariseEvidence } from '../core/evidence/summary';
import type { StepAttentionMeasures } from '../protocol/evidence';
import { captionText, gridOf, processorPlanFor } from '../state/derive';
import { evidenceComputed } from '../state/evidence-actions';
import { captionLabels, groundTruthView, textLabels } from '../state/labels-derive';
import { store, tokenKey, type LensState, type TokenRef } from '../state/store';

const CAPTIONS = ['baseline', 'damro'] as const;

/** Steps ends of a streamed caption: each token's text appended. */
const stepEndsOf = (texts: readonly string[]) => texts.map((_, i) => texts.slice(0, i + 1).join('').length);

function ready(state: LensState): boolean {
  const { run } = state;
  // Without ground truth every word is unverifiable: nothing to compare, so the run waits for a truth source.
  return (
    run.phase === 'finished' &&
    run.runId !== undefined &&
    run.outliers?.norms !== undefined &&
    groundTruthView(state)?.truth !== undefined
  );
}

/** Subscribes to the store; returns the unsubscribe. */
export function collectSessionEvidence(lens: Pick<LensController, 'ensureDetail'>): () => void {
  const tokens: TokenRecord[] = [];
  const images: ImageRecord[] = [];
  const collected = new Set<number>();
  let captions = 0;

  async function collect(state: LensState): Promise<void> {
    const { run, image, model } = state;
    const runId = run.runId!;
    const outliers = run.outliers!;
    if (!image || !model.info) return;
    const words = CAPTIONS.flatMap((caption) => {
      const labels = captionLabels(state, caption);
      const texts = run.captions[caption].tokens.map((t) => t.text);
      return labels && texts.length
        ? [
            {
              caption,
              labels: labels.labels,
              text: captionText(run.captions[caption].tokens),
              stepEnds: stepEndsOf(texts),
            },
          ]
        : [];
    });
    const methodWords = (run.recipe?.methods ?? []).flatMap(({ method }) => {
      const tokensOf = run.methodCaptions?.[method]?.tokens ?? [];
      const measured = run.methodEvidence?.[method];
      const text = captionText(tokensOf);
      const labels = tokensOf.length && measured ? textLabels(state, text) : undefined;
      return labels && measured
        ? [{ method, labels: labels.labels, text, stepEnds: stepEndsOf(tokensOf.map((t) => t.text)), measured }]
        : [];
    });
    const refs: TokenRef[] = words.flatMap(({ caption, labels, stepEnds }) =>
      labels.flatMap((l) => {
        const step = stepAt(stepEnds, l.start);
        return step === undefined ? [] : [{ caption, step }];
      }),
    );
    await Promise.all(refs.map((ref) => lens.ensureDetail(ref)));
    const after = store.getState();
    // A newer run replaced this run's detail in the worker and the store: its words cannot be measured now.
    if (after.run.runId !== runId) return;
    const indices = Array.from(outliers.indices);
    const measures = new Map<string, StepAttentionMeasures>();
    for (const ref of refs) {
      const detail = after.attention.details[tokenKey(ref)];
      if (detail) measures.set(tokenKey(ref), stepMeasures(detail.data, detail.layers, detail.heads, indices));
    }
    for (const { caption, labels, text, stepEnds } of words) {
      const measured = verdictSpans(labels).filter((l) =>
        measures.has(tokenKey({ caption, step: stepAt(stepEnds, l.start) ?? -1 })),
      );
      tokens.push(
        ...tokenRecordsAt(image.name, caption, text, measured, stepEnds, (step) =>
          measures.get(tokenKey({ caption, step }))!,
        ),
      );
    }
    for (const { method, labels, text, stepEnds, measured } of methodWords) {
      const spans = verdictSpans(labels).filter((l) => measured[stepAt(stepEnds, l.start) ?? -1] !== undefined);
      tokens.push(...tokenRecordsAt(image.name, method, text, spans, stepEnds, (step) => measured[step]));
    }
    const detection = groundTruthView(state)?.detection?.result;
    const boxes = detection?.detections.filter((d) => d.score >= state.labels.threshold).map((d) => d.box);
    const cells = boxes ? objectCells(processorPlanFor(model.info, image), gridOf(model.info), boxes) : undefined;
    images.push(
      imageRecord(
        `${image.name} (run ${runId})`,
        {
          grid: outliers.grid,
          scores: Array.from(outliers.scores),
          norms: Array.from(outliers.norms!),
          outliers: indices,
        },
        cells,
      ),
    );
    captions += words.length + methodWords.length;
    evidenceComputed('session', {
      source: `${captions} captions made on this page since it opened (${images.length} runs)`,
      result: {
        tokens: [...tokens],
        images: [...images],
        summary: summariseEvidence(tokens, images),
        skipped: { noEvidence: 0, noGroundTruth: 0 },
      },
    });
  }

  return store.subscribe((state) => {
    if (!ready(state) || collected.has(state.run.runId!)) return;
    collected.add(state.run.runId!);
    void collect(state);
  });
}
