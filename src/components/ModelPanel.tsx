import { useId } from 'react';
import { catalogEntry, MODEL_CATALOG } from '../core/models/catalog';
import type { Dtype } from '../protocol/messages';
import { DTYPES } from '../state/settings';
import { useLens, useLensShallow } from '../state/store';
import { updateSettings } from '../state/view-actions';
import { ErrorNotice } from './ErrorNotice';
import { LoadProgress } from './LoadProgress';
import { useLensController } from './LensContext';

const HUB_CHOICE = '__hub__';

/** Which model, in which dtype, on which backend; its download progress and what went wrong. */
export function ModelPanel() {
  const lens = useLensController();
  const { modelId, dtype } = useLensShallow((s) => ({ modelId: s.settings.modelId, dtype: s.settings.dtype }));
  const model = useLens((s) => s.model);
  const engine = useLens((s) => s.engine);
  const ids = { choice: useId(), hub: useId(), dtype: useId() };
  const entry = catalogEntry(modelId);
  const dtypes = entry ? entry.dtypes : DTYPES;
  const loading = model.phase === 'loading';
  const loadedHere = model.phase === 'ready' && model.info?.id === modelId && model.info.dtype === dtype;

  return (
    <section className="panel" aria-labelledby={`${ids.choice}-h`}>
      <h2 id={`${ids.choice}-h`}>Model</h2>
      <label htmlFor={ids.choice}>Model</label>
      <select id={ids.choice} value={entry ? modelId : HUB_CHOICE} onChange={(e) => updateSettings(e.target.value === HUB_CHOICE ? { modelId: '' } : { modelId: e.target.value, dtype: catalogEntry(e.target.value)!.dtypes[0] })}>
        {MODEL_CATALOG.map((m) => (
          <option key={m.id} value={m.id}>{m.label}</option>
        ))}
        <option value={HUB_CHOICE}>Another Hugging Face Hub model…</option>
      </select>
      {!entry && (
        <>
          <label htmlFor={ids.hub}>Hub model id</label>
          <input id={ids.hub} value={modelId} placeholder="owner/model-name" spellCheck={false} onChange={(e) => updateSettings({ modelId: e.target.value.trim() })} />
        </>
      )}
      <label htmlFor={ids.dtype}>Weights (dtype)</label>
      <select id={ids.dtype} value={dtype} onChange={(e) => updateSettings({ dtype: e.target.value as Dtype })}>
        {dtypes.map((d) => (
          <option key={d} value={d}>{d}</option>
        ))}
      </select>
      {engine.phase === 'ready' && (
        <p className="panel__hint" data-testid="model-backend">
          {engine.capabilities.backend === 'webgpu' ? 'Runs on WebGPU.' : `Runs on WASM: ${engine.capabilities.fallbackReason ?? 'WebGPU is not available.'}`}
        </p>
      )}
      {entry?.synthetic && entry.notice && <p className="notice notice--warn" role="note">{entry.notice}</p>}
      <button type="button" className="button button--primary" disabled={loading || !modelId || engine.phase !== 'ready'} onClick={() => void lens.loadModel()}>
        {loading ? 'Loading…' : loadedHere ? 'Reload model' : 'Load model'}
      </button>
      {model.phase === 'ready' && model.info && (
        <p className="panel__status" role="status" data-testid="model-status">
          Loaded {model.info.id} ({model.info.dtype}, {model.info.backend}) · {model.info.tokenGrid.rows}×{model.info.tokenGrid.cols} image tokens
        </p>
      )}
      {(loading || model.phase === 'ready') && <LoadProgress files={model.files} done={model.phase === 'ready'} />}
      {model.phase === 'failed' && model.error && <ErrorNotice error={model.error} fallbackTitle="Could not load the model" />}
    </section>
  );
}
