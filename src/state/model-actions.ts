import { defaultK } from '../core/models/default-k';
import type { WireError } from '../protocol/errors';
import type { ModelInfo, WorkerEvent } from '../protocol/messages';
import type { Settings } from './settings';
import { store } from './store';

/** The loaded model, if any, stays (its heatmaps and info) until the new one has loaded. */
export function modelLoadStarted(modelId: string, dtype: Settings['dtype']): void {
  const { info } = store.getState().model;
  store.setState({ model: { phase: 'loading', requested: { modelId, dtype }, files: [], info } });
}

/** One file's progress; files keep the order in which they were first reported. */
export function loadProgressReceived(event: Extract<WorkerEvent, { type: 'load/progress' }>): void {
  const { model } = store.getState();
  if (model.phase !== 'loading') return;
  const entry = { file: event.file, loaded: event.loaded, total: event.total, cached: event.cached };
  const index = model.files.findIndex((f) => f.file === event.file);
  const files = index < 0 ? [...model.files, entry] : model.files.map((f, i) => (i === index ? entry : f));
  store.setState({ model: { ...model, files } });
}

/**
 * The model is ready. k becomes its default (defaultK) unless the person chose one; settings that do not fit it (k
 * above its image tokens, layers or a head it does not have) are pulled inside its range, so the next run is valid.
 */
export function modelLoaded(info: ModelInfo): void {
  const { model, settings, ui } = store.getState();
  const imageTokens = info.tokenGrid.rows * info.tokenGrid.cols;
  const k = ui.kChosen ? Math.min(settings.damro.k, imageTokens) : defaultK(imageTokens);
  const layers = info.decoder.layers;
  const layerFrom = Math.min(settings.layerFrom, layers - 1);
  const layerTo =
    settings.layerTo === null || settings.layerTo > layers || settings.layerTo <= layerFrom ? null : settings.layerTo;
  const head = settings.head === 'mean' || settings.head < info.decoder.heads ? settings.head : 'mean';
  store.setState({
    model: { ...model, phase: 'ready', info, error: undefined },
    settings: { ...settings, damro: { ...settings.damro, k }, layerFrom, layerTo, head },
  });
}

/** A failed load keeps the model that was loaded before it (the engine keeps it too), so runs go on working. */
export function modelFailed(error: WireError): void {
  const { model } = store.getState();
  const { info } = model;
  store.setState({
    model: info
      ? { phase: 'ready', requested: { modelId: info.id, dtype: info.dtype }, files: [], info, error }
      : { ...model, phase: 'failed', error },
  });
}
