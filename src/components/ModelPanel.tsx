import { useId } from 'react';
import { ADAPTED_SCORE_NOTICE, catalogEntry, DEMO_MODEL, formatDownload, MODEL_CATALOG } from '../core/models/catalog';
import { cpuWeightsNote } from '../core/models/cpu-weights';
import { loadedDtypeLabel } from '../core/models/loaded-dtype';
import { dtypeRuns, pickDtype, type DeviceFeatures } from '../core/models/pick-dtype';
import { droppedFolder, pickedFolder } from '../client/folder-files';
import type { Capabilities, ClsScorer, Dtype, NoClsScorer } from '../protocol/messages';
import { CLS_SCORERS, DTYPES, NO_CLS_SCORERS } from '../state/settings';
import { useLens, useLensShallow } from '../state/store';
import { updateSettings } from '../state/view-actions';
import { ErrorNotice } from './ErrorNotice';
import { LoadProgress } from './LoadProgress';
import { useLensController } from './LensContext';

const HUB_CHOICE = '__hub__';

const NO_CLS_LABELS: Record<NoClsScorer, string> = {
  'mean-received-attention': 'Mean attention each patch receives',
  'token-norm': 'Norm of each patch’s hidden state',
};

const CLS_LABELS: Record<ClsScorer, string> = {
  'clip-single-head': 'One softmax over the full width (paper, LLaVA-1.5 setting)',
  'head-mean': 'Mean of per-head softmaxes (paper, InstructBLIP setting)',
};

const deviceOf = (capabilities: Capabilities): DeviceFeatures => ({
  backend: capabilities.backend,
  shaderF16: capabilities.adapter?.shaderF16 ?? false,
});

/** Which model, in which dtype, on which backend; its download progress and what went wrong. */
export function ModelPanel() {
  const lens = useLensController();
  const { modelId, dtype, noClsScorer, clsScorer } = useLensShallow((s) => ({
    modelId: s.settings.modelId,
    dtype: s.settings.dtype,
    noClsScorer: s.settings.noClsScorer,
    clsScorer: s.settings.clsScorer,
  }));
  const model = useLens((s) => s.model);
  const engine = useLens((s) => s.engine);
  const ids = { choice: useId(), hub: useId(), dtype: useId(), scorer: useId(), clsScorer: useId() };
  const entry = catalogEntry(modelId);
  const dtypes = entry ? entry.dtypes : DTYPES;
  const device = engine.phase === 'ready' ? deviceOf(engine.capabilities) : undefined;
  // Pick the dtype the device runs best; before the engine answers, the catalogue's first.
  const chooseModel = (id: string) => {
    const chosen = catalogEntry(id)!;
    const picked = device ? pickDtype(chosen.dtypes, device).dtype : chosen.dtypes[0];
    updateSettings({ modelId: id, dtype: picked });
  };
  const picked = device && entry ? pickDtype(entry.dtypes, device) : undefined;
  // A Hub model outside the catalogue may lack CLS too; the engine decides on load, the setting must be reachable.
  const noCls = entry?.hasCls !== true;
  const cls = entry?.hasCls !== false;
  const loading = model.phase === 'loading';
  const loadedHere = model.phase === 'ready' && model.info?.id === modelId && model.info.dtype === dtype;
  const size = entry?.download?.[dtype];
  const failedHub = model.phase === 'failed' && catalogEntry(model.requested?.modelId ?? '')?.location !== 'site';
  const useDemo = () => {
    chooseModel(DEMO_MODEL);
    void lens.loadModel();
  };

  return (
    <section
      className="panel"
      aria-labelledby={`${ids.choice}-h`}
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        void droppedFolder(e.dataTransfer).then((folder) => folder && lens.loadFolder(folder.name, folder.files));
      }}
    >
      <h2 id={`${ids.choice}-h`}>Model</h2>
      <label htmlFor={ids.choice}>Model</label>
      <select
        id={ids.choice}
        value={entry ? modelId : HUB_CHOICE}
        onChange={(e) =>
          e.target.value === HUB_CHOICE ? updateSettings({ modelId: '' }) : chooseModel(e.target.value)
        }
      >
        {MODEL_CATALOG.map((m) => (
          <option key={m.id} value={m.id}>
            {m.label}
          </option>
        ))}
        <option value={HUB_CHOICE}>Another Hugging Face Hub model…</option>
      </select>
      {!entry && (
        <>
          <label htmlFor={ids.hub}>Hub model id</label>
          <input
            id={ids.hub}
            value={modelId}
            placeholder="owner/model-name"
            spellCheck={false}
            onChange={(e) => updateSettings({ modelId: e.target.value.trim() })}
          />
        </>
      )}
      <label htmlFor={ids.dtype}>Weights (dtype)</label>
      <select id={ids.dtype} value={dtype} onChange={(e) => updateSettings({ dtype: e.target.value as Dtype })}>
        {dtypes.map((d) => {
          const size = entry?.download?.[d];
          return (
            <option key={d} value={d}>
              {[d, size && formatDownload(size), device && !dtypeRuns(d, device) && 'runs on the CPU (no shader-f16)']
                .filter(Boolean)
                .join(' · ')}
            </option>
          );
        })}
      </select>
      {picked && (
        <p className="panel__hint" data-testid="dtype-hint">
          Suggested: {picked.dtype} ({picked.reason}).{entry?.sizesSource ? ` Sizes: ${entry.sizesSource}.` : ''}
        </p>
      )}
      {cls && (
        <>
          <label htmlFor={ids.clsScorer}>
            {entry ? 'Outlier score' : 'Outlier score (if the encoder has a CLS token)'}
          </label>
          <select
            id={ids.clsScorer}
            value={clsScorer}
            onChange={(e) => updateSettings({ clsScorer: e.target.value as ClsScorer })}
          >
            {CLS_SCORERS.map((name) => (
              <option key={name} value={name}>
                {CLS_LABELS[name]}
              </option>
            ))}
          </select>
        </>
      )}
      {noCls && (
        <>
          {!loadedHere && (
            <p className="notice" role="note" data-testid="adapted-score-notice">
              {entry ? 'This model’s' : 'If this model’s'} vision encoder has no CLS token, so DAMRO’s outlier selection
              is adapted, not the paper’s exact method: {ADAPTED_SCORE_NOTICE}.
            </p>
          )}
          <label htmlFor={ids.scorer}>Adapted outlier score</label>
          <select
            id={ids.scorer}
            value={noClsScorer}
            onChange={(e) => updateSettings({ noClsScorer: e.target.value as NoClsScorer })}
          >
            {NO_CLS_SCORERS.map((name) => (
              <option key={name} value={name}>
                {NO_CLS_LABELS[name]}
              </option>
            ))}
          </select>
        </>
      )}
      {engine.phase === 'ready' && (
        <p className="panel__hint" data-testid="model-backend">
          {engine.capabilities.backend === 'webgpu'
            ? 'Runs on WebGPU.'
            : `Runs on WASM: ${engine.capabilities.fallbackReason ?? 'WebGPU is not available.'}`}
        </p>
      )}
      {entry?.synthetic && entry.notice && (
        <p className="notice notice--warn" role="note">
          {entry.notice}
        </p>
      )}
      {size && !loadedHere && (
        <p className="panel__hint" data-testid="download-size">
          Download: {formatDownload(size)} once; the browser keeps it for later visits.
        </p>
      )}
      <button
        type="button"
        className="button button--primary"
        disabled={loading || !modelId || engine.phase !== 'ready'}
        onClick={() => void lens.loadModel()}
      >
        {loading ? 'Loading…' : loadedHere ? 'Reload model' : 'Load model'}
      </button>
      <label className="button" aria-disabled={loading || engine.phase !== 'ready'}>
        Open a model folder…
        <input
          type="file"
          hidden
          data-testid="model-folder"
          disabled={loading || engine.phase !== 'ready'}
          {...{ webkitdirectory: '' }}
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            const folder = files.length ? pickedFolder(files) : undefined;
            if (folder) void lens.loadFolder(folder.name, folder.files);
            e.target.value = '';
          }}
        />
      </label>
      <p className="panel__hint">
        Your own export or an offline copy: a folder with config.json and onnx/, loaded in the dtype above. You can also
        drop the folder here.
      </p>
      {model.phase === 'ready' && model.info && (
        <p className="panel__status" role="status" data-testid="model-status">
          Loaded {model.info.id} ({loadedDtypeLabel(model.info.dtype, model.info.sessionDtypes)}, {model.info.backend})
          · {model.info.gridPerImage ? 'up to ' : ''}
          {`${model.info.tokenGrid.rows}×${model.info.tokenGrid.cols} image tokens`}
          {model.info.gridPerImage ? ' (sized to each image)' : ''}
        </p>
      )}
      {model.phase === 'ready' && model.info?.cpuWeights && (
        <p className="panel__status" role="note" data-testid="model-cpu-weights">
          {cpuWeightsNote(model.info.cpuWeights)}
        </p>
      )}
      {model.phase === 'ready' && model.info && !model.info.scorer.faithful && (
        <p className="notice notice--warn" role="note" data-testid="model-scorer">
          Outliers: {model.info.scorer.label}
        </p>
      )}
      {(loading || model.phase === 'ready') && <LoadProgress files={model.files} done={model.phase === 'ready'} />}
      {model.error && (
        <ErrorNotice
          error={model.error}
          fallbackTitle={
            model.info ? `Could not load the model; ${model.info.id} stays loaded` : 'Could not load the model'
          }
        />
      )}
      {failedHub && (
        <p className="notice notice--info" data-testid="demo-fallback">
          Offline, or the Hub cannot be reached? The built-in demo model needs no download (its captions are
          meaningless, but every view works).{' '}
          <button type="button" className="button" onClick={useDemo}>
            Use the built-in demo model
          </button>
        </p>
      )}
    </section>
  );
}
