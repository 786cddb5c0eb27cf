// Actions of the labels slice: the labeller arriving, the person's ground-truth choices, detector results.
import type { WireError } from '../protocol/errors';
import type { LabelResources } from '../core/labels/resources';
import type { DetectResult } from '../protocol/messages';
import { store, type LabelsSlice } from './store';

function patch(update: Partial<LabelsSlice>): void {
  store.setState({ labels: { ...store.getState().labels, ...update } });
}

export const labellerReady = (resources: LabelResources): void => patch({ labeller: { phase: 'ready', resources } });
export const labellerFailed = (message: string): void => patch({ labeller: { phase: 'failed', message } });
export const setCocoId = (cocoId: string): void => patch({ cocoId });
export const setDetectorId = (detectorId: string): void =>
  patch({ detectorId, detection: undefined, focus: undefined });
export const setDetectionThreshold = (threshold: number): void => patch({ threshold });
export const focusEvidence = (node: string | undefined): void => {
  if (store.getState().labels.focus !== node) patch({ focus: node });
};

export function detectionStarted(imageUrl: string, modelId: string): void {
  patch({ detection: { imageUrl, modelId, phase: 'running' }, focus: undefined });
}

/** Ignored when the person has moved on to another image or detector meanwhile. */
function forCurrent(imageUrl: string, modelId: string, update: Partial<NonNullable<LabelsSlice['detection']>>): void {
  const { detection } = store.getState().labels;
  if (detection?.imageUrl !== imageUrl || detection.modelId !== modelId) return;
  patch({ detection: { ...detection, ...update } });
}

export const detectionDone = (imageUrl: string, result: DetectResult): void =>
  forCurrent(imageUrl, result.modelId, { phase: 'done', result });
export const detectionFailed = (imageUrl: string, modelId: string, error: WireError): void =>
  forCurrent(imageUrl, modelId, { phase: 'failed', error });
