import { buildRunExport } from '../state/run-export';
import { store, useLens } from '../state/store';
import { registeredOverlay } from './overlay-canvases';
import { download } from './download';

const baseName = (): string => {
  const { run, model } = store.getState();
  return `damro-lens-${model.info?.id.replace(/[^\w.-]+/g, '_') ?? 'run'}-run${run.runId ?? 0}`;
};

/** Saves the overlay in view as PNG and the whole run as versioned JSON. */
export function ExportMenu() {
  const exportable = useLens((s) => s.run.outliers !== undefined && s.run.recipe !== undefined);
  const tokenInView = useLens((s) => (s.ui.hovered ?? s.ui.selected) !== undefined);

  const savePng = async () => {
    const name = tokenInView && registeredOverlay('token') ? 'token' : 'encoder';
    const blob = await registeredOverlay(name)?.exportPng();
    if (blob) download(blob, `${baseName()}-${name}.png`);
  };
  const saveJson = () => {
    const run = buildRunExport(store.getState());
    if (run) download(new Blob([JSON.stringify(run, null, 1)], { type: 'application/json' }), `${baseName()}.json`);
  };

  return (
    <section className="panel" aria-label="Export">
      <h2>Export</h2>
      <div className="row">
        <button type="button" className="button" disabled={!exportable} onClick={() => void savePng()}>
          Overlay as PNG
        </button>
        <button type="button" className="button" disabled={!exportable} onClick={saveJson}>
          Run as JSON
        </button>
      </div>
      <small>The page address holds the settings: copy it to share this setup.</small>
    </section>
  );
}
