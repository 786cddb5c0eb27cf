import { useEffect, useMemo } from 'react';
import type { PatchIndex } from '../core/geometry';
import { attentionSelection, shareOnOutliers, tokenAttention } from '../state/derive';
import { useLens, type TokenRef } from '../state/store';
import type { ColormapName } from '../viz/colormap';
import { useLensController } from './LensContext';
import { OverlayCanvas } from './OverlayCanvas';
import type { OverlayGeometry } from './use-overlay-geometry';

const TITLES = { baseline: 'baseline', damro: 'DAMRO' } as const;

/** The same word in the other caption (its first occurrence), so baseline and DAMRO attention sit side by side. */
export function CounterpartView({
  of,
  text,
  geometry,
  outliers,
}: {
  of: TokenRef;
  text: string;
  geometry: OverlayGeometry;
  outliers: readonly PatchIndex[];
}) {
  const lens = useLensController();
  const other: TokenRef['caption'] = of.caption === 'damro' ? 'baseline' : 'damro';
  const word = text.trim().toLowerCase();
  const step = useLens((s) =>
    word ? s.run.captions[other].tokens.find((t) => t.text.trim().toLowerCase() === word)?.step : undefined,
  );
  const attention = useLens((s) => s.attention);
  const recipe = useLens((s) => s.run.recipe);
  const settings = useLens((s) => s.settings);
  const info = useLens((s) => s.model.info);
  const ref = useMemo(
    (): TokenRef | undefined => (step === undefined ? undefined : { caption: other, step }),
    [other, step],
  );
  const view = useMemo(
    () => (info && ref ? tokenAttention(attention, recipe, ref, attentionSelection(settings, info)) : undefined),
    [attention, recipe, ref, settings, info],
  );
  useEffect(() => {
    if (ref && view?.kind === 'needs-detail') void lens.ensureDetail(ref);
  }, [lens, ref, view?.kind]);

  if (!ref)
    return (
      <p className="view__empty" data-testid="counterpart">
        “{text.trim()}” does not occur in the {TITLES[other]} caption.
      </p>
    );
  const values = view?.kind === 'values' ? view.values : undefined;
  const share = values && outliers.length ? shareOnOutliers(values, outliers) : Number.NaN;
  return (
    <div className="counterpart" data-testid="counterpart">
      <p className="view__caption">
        The same word in the {TITLES[other]} caption (token {ref.step + 1})
        {Number.isFinite(share) ? `: ${(share * 100).toFixed(1)}% on the outliers` : ''}
      </p>
      <OverlayCanvas
        name="counterpart"
        label={`Decoder attention of the same word “${text.trim()}” in the ${TITLES[other]} caption`}
        {...geometry}
        values={values}
        outliers={outliers}
        colormap={settings.colormap as ColormapName}
        normalize={settings.normalize}
        describe={[
          `Decoder attention of the ${TITLES[other]} caption's token ${ref.step + 1}, “${text.trim()}”`,
          info ? `Model ${info.id} (${info.dtype}) · DAMRO Lens` : 'DAMRO Lens',
        ]}
      />
    </div>
  );
}
