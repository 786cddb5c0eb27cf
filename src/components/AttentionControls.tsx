import { useId } from 'react';
import type { NormalizerName } from '../core/attention/normalize';
import type { ModelInfo } from '../protocol/messages';
import { attentionSelection } from '../state/derive';
import { NORMALIZER_NAMES } from '../state/settings';
import { useLens } from '../state/store';
import { updateSettings } from '../state/view-actions';
import { colormapNames } from '../viz/colormap';

/** Which decoder layers and head a token's map shows, and how it is coloured and scaled. */
export function AttentionControls({ info }: { info: ModelInfo }) {
  const settings = useLens((s) => s.settings);
  const id = useId();
  const { layerFrom, layerTo, head } = attentionSelection(settings, info);
  const layers = info.decoder.layers;
  return (
    <div className="fields fields--compact">
      <div className="field">
        <label htmlFor={`${id}-from`}>First layer</label>
        <input
          id={`${id}-from`}
          type="number"
          min={0}
          max={layerTo - 1}
          value={layerFrom}
          onChange={(e) =>
            Number.isInteger(e.target.valueAsNumber) &&
            e.target.valueAsNumber >= 0 &&
            e.target.valueAsNumber < layerTo &&
            updateSettings({ layerFrom: e.target.valueAsNumber })
          }
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-to`}>Last layer</label>
        <input
          id={`${id}-to`}
          type="number"
          min={layerFrom}
          max={layers - 1}
          value={layerTo - 1}
          onChange={(e) =>
            Number.isInteger(e.target.valueAsNumber) &&
            e.target.valueAsNumber >= layerFrom &&
            e.target.valueAsNumber < layers &&
            updateSettings({ layerTo: e.target.valueAsNumber + 1 === layers ? null : e.target.valueAsNumber + 1 })
          }
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-head`}>Head</label>
        <select
          id={`${id}-head`}
          value={String(head)}
          onChange={(e) => updateSettings({ head: e.target.value === 'mean' ? 'mean' : Number(e.target.value) })}
        >
          <option value="mean">Mean of {info.decoder.heads} heads</option>
          {Array.from({ length: info.decoder.heads }, (_, h) => (
            <option key={h} value={h}>
              Head {h}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-cmap`}>Colormap</label>
        <select
          id={`${id}-cmap`}
          value={settings.colormap}
          onChange={(e) => updateSettings({ colormap: e.target.value })}
        >
          {colormapNames.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-norm`}>Scale</label>
        <select
          id={`${id}-norm`}
          value={settings.normalize}
          onChange={(e) => updateSettings({ normalize: e.target.value as NormalizerName })}
        >
          {NORMALIZER_NAMES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
