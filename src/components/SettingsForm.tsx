import { useId, type ReactNode } from 'react';
import { SETTING_LIMITS, type DecodingMode, type Settings } from '../state/settings';
import { useLens } from '../state/store';
import { chooseK, updateSettings } from '../state/view-actions';
import { useLensController } from './LensContext';

function NumberField({
  label,
  value,
  min,
  max,
  step,
  hint,
  onChange,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  hint?: ReactNode;
  onChange: (value: number) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        value={value}
        min={min}
        max={max}
        step={step}
        onChange={(e) => {
          const next = e.target.valueAsNumber;
          if (Number.isFinite(next) && next >= min && next <= max) onChange(next);
        }}
      />
      {hint && <small>{hint}</small>}
    </div>
  );
}

/** DAMRO's knobs and the decoding; a run uses the values at the moment it starts. */
export function SettingsForm() {
  const lens = useLensController();
  const settings = useLens((s) => s.settings);
  const imageTokens = useLens((s) =>
    s.model.info ? s.model.info.tokenGrid.rows * s.model.info.tokenGrid.cols : SETTING_LIMITS.k.max,
  );
  const canRun = useLens((s) => s.model.phase === 'ready' && s.image !== undefined);
  const running = useLens((s) => s.run.phase === 'running');
  const ids = { mode: useId(), prompt: useId() };
  const set = (patch: Partial<Settings>) => updateSettings(patch);
  const L = SETTING_LIMITS;

  return (
    <section className="panel" aria-labelledby={`${ids.mode}-h`}>
      <h2 id={`${ids.mode}-h`}>Decoding</h2>
      <div className="fields">
        <NumberField
          label="α (contrast)"
          value={settings.damro.alpha}
          min={L.alpha.min}
          max={L.alpha.max}
          step={0.1}
          onChange={(alpha) => set({ damro: { ...settings.damro, alpha } })}
        />
        <NumberField
          label="β (cutoff)"
          value={settings.damro.beta}
          min={L.beta.min}
          max={L.beta.max}
          step={0.01}
          onChange={(beta) => set({ damro: { ...settings.damro, beta } })}
        />
        <NumberField
          label="k (outliers)"
          value={settings.damro.k}
          min={1}
          max={imageTokens}
          step={1}
          onChange={chooseK}
        />
        <NumberField
          label="Max tokens"
          value={settings.maxNewTokens}
          min={1}
          max={L.maxNewTokens.max}
          step={1}
          onChange={(maxNewTokens) => set({ maxNewTokens })}
        />
        <div className="field">
          <label htmlFor={ids.mode}>Mode</label>
          <select id={ids.mode} value={settings.mode} onChange={(e) => set({ mode: e.target.value as DecodingMode })}>
            <option value="greedy">Greedy</option>
            <option value="sample">Sampling (paper: T = 1, no top-p)</option>
          </select>
        </div>
        {settings.mode === 'sample' && (
          <NumberField
            label="Seed"
            value={settings.seed}
            min={0}
            max={L.seed.max}
            step={1}
            onChange={(seed) => set({ seed })}
          />
        )}
      </div>
      <label htmlFor={ids.prompt}>Prompt</label>
      <textarea
        id={ids.prompt}
        rows={2}
        maxLength={L.promptLength}
        value={settings.prompt}
        onChange={(e) => set({ prompt: e.target.value })}
      />
      <div className="row">
        <button
          type="button"
          className="button button--primary"
          disabled={!canRun || !settings.prompt.trim()}
          onClick={() => void lens.run()}
        >
          {running ? 'Restart run' : 'Run'}
        </button>
        <button type="button" className="button" disabled={!running} onClick={() => void lens.cancel()}>
          Stop
        </button>
      </div>
      <small>A re-run on the same image reuses its vision pass.</small>
    </section>
  );
}
