// The ground truth and caption labels the view shows, derived from the store; memoised on their inputs so every
// component that asks gets the same objects without recomputing.
import type { CaptionLabels } from '../core/caption-objects/matcher';
import { chooseGroundTruth, type ChosenGroundTruth } from '../core/labels/resources';
import type { CaptionKind } from '../protocol/messages';
import { captionText } from './derive';
import type { LensState } from './store';

/** Detections are asked for once per image at this floor; the threshold then filters without re-running. */
export const DETECTION_FLOOR = 0.05;

export interface GroundTruthView extends ChosenGroundTruth {
  /** Detections of the current image by the chosen detector, when that is the source. */
  readonly detection?: LensState['labels']['detection'];
}

let last: { key: readonly unknown[]; value: GroundTruthView | undefined } | undefined;

const same = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export function groundTruthView(state: LensState): GroundTruthView | undefined {
  const { labeller, cocoId, threshold, detectorId } = state.labels;
  const detection =
    state.labels.detection?.imageUrl === state.image?.url && state.labels.detection?.modelId === detectorId
      ? state.labels.detection
      : undefined;
  const key = [labeller, state.image, cocoId, threshold, detection, state.ui.groundTruth];
  if (last && same(last.key, key)) return last.value;
  const value =
    labeller.phase === 'ready'
      ? {
          ...chooseGroundTruth(labeller.resources, {
            image: { fileName: state.image?.name, cocoId: cocoId || undefined },
            userList: [...(state.image?.objects ?? []), ...state.ui.groundTruth],
            detections: state.image ? detection?.result?.detections : undefined,
            threshold,
          }),
          detection,
        }
      : undefined;
  last = { key, value };
  return value;
}

/**
 * No ground truth yet, but one is coming (the detector has not answered): object words get no verdict until
 * it has, rather than one that may flip.
 */
export function groundTruthPending(state: LensState): boolean {
  const view = groundTruthView(state);
  return Boolean(
    view &&
    !view.truth &&
    view.needsDetector &&
    state.image &&
    view.detection?.phase !== 'failed' &&
    view.detection?.phase !== 'done',
  );
}

const captionCache = new Map<string, { tokens: unknown; truth: unknown; labels: CaptionLabels }>();

/** A caption's labels, or undefined while the labeller loads. */
export function captionLabels(state: LensState, caption: CaptionKind): CaptionLabels | undefined {
  const view = groundTruthView(state);
  const { labeller } = state.labels;
  if (!view || labeller.phase !== 'ready') return undefined;
  const tokens = state.run.captions[caption].tokens;
  const cached = captionCache.get(caption);
  if (cached && cached.tokens === tokens && cached.truth === view.truth) return cached.labels;
  const labels = labeller.resources.matcher.label(captionText(tokens), view.truth);
  captionCache.set(caption, { tokens, truth: view.truth, labels });
  return labels;
}

/** The labels of a compared method's caption text against the image's ground truth (not cached: read once a run). */
export function textLabels(state: LensState, text: string): CaptionLabels | undefined {
  const view = groundTruthView(state);
  const { labeller } = state.labels;
  if (!view || labeller.phase !== 'ready') return undefined;
  return labeller.resources.matcher.label(text, view.truth);
}
