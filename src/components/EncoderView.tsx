import { useId, useMemo } from 'react';
import { patchRowCol } from '../core/geometry';
import { outliersAtK } from '../state/derive';
import { useLens } from '../state/store';
import { chooseK } from '../state/view-actions';
import type { ColormapName } from '../viz/colormap';
import { OverlayCanvas } from './OverlayCanvas';
import { ScoreChart } from './ScoreChart';
import { useOverlayGeometry } from './use-overlay-geometry';

/** The vision encoder's outlier score over the image, DAMRO's top-k patches outlined and numbered, and k live. */
export function EncoderView() {
  const geometry = useOverlayGeometry();
  const outliers = useLens((s) => s.run.outliers);
  const recipeK = useLens((s) => s.run.recipe?.damro.k);
  const k = useLens((s) => s.settings.damro.k);
  const colormap = useLens((s) => s.settings.colormap) as ColormapName;
  const normalize = useLens((s) => s.settings.normalize);
  const sliderId = useId();
  const patches = useMemo(() => (outliers ? outliersAtK(outliers, k) : []), [outliers, k]);
  const info = useLens((s) => s.model.info);
  const imageName = useLens((s) => s.image?.name);
  const describe = useMemo(
    () => [
      `Vision encoder outlier score over the image ${imageName ?? ''}: ${outliers?.scorer.label ?? ''}; top ${patches.length} outlined`,
      info ? `Model ${info.id} (${info.dtype}${info.synthetic ? ', random weights' : ''}) · DAMRO Lens` : 'DAMRO Lens',
    ],
    [imageName, outliers, patches.length, info],
  );

  return (
    <section className="view" aria-labelledby={`${sliderId}-h`}>
      <h2 id={`${sliderId}-h`}>Encoder: outlier tokens</h2>
      {geometry && outliers ? (
        <>
          <OverlayCanvas
            name="encoder"
            label={`Outlier score heatmap with the top ${patches.length} patches outlined`}
            {...geometry}
            values={outliers.scores}
            outliers={patches}
            colormap={colormap}
            normalize={normalize}
            describe={describe}
          />
          <p className="view__caption">
            {outliers.scorer.label.charAt(0).toUpperCase() + outliers.scorer.label.slice(1)}
          </p>
          <div className="field field--inline">
            <label htmlFor={sliderId}>k = {k}</label>
            <input
              id={sliderId}
              type="range"
              min={1}
              max={outliers.scores.length}
              value={k}
              onChange={(e) => chooseK(e.target.valueAsNumber)}
            />
          </div>
          {recipeK !== undefined && recipeK !== k && (
            <p className="notice notice--info">
              The DAMRO caption was decoded with k = {recipeK}; run again to decode with k = {k}.
            </p>
          )}
          <ol className="outlier-list" aria-label="Outlier patches by rank" data-testid="outlier-list">
            {patches.map((p) => {
              const { row, col } = patchRowCol(geometry.grid, p);
              return (
                <li key={p}>
                  row {row + 1}, col {col + 1}
                </li>
              );
            })}
          </ol>
          <ScoreChart scores={outliers.scores} k={k} />
        </>
      ) : (
        <p className="view__empty">The encoder's outlier patches appear here once a run starts.</p>
      )}
    </section>
  );
}
