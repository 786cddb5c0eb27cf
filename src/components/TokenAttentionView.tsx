import { useEffect, useMemo } from 'react';
import { attentionSelection, outliersAtK, shareOnOutliers, textAttention, tokenAttention } from '../state/derive';
import { tokenKey, useLens } from '../state/store';
import { updateSettings } from '../state/view-actions';
import { CounterpartView } from './CounterpartView';
import { HeadGrid } from './HeadGrid';
import type { ColormapName } from '../viz/colormap';
import { shareBar } from '../viz/scales';
import { AttentionControls } from './AttentionControls';
import { useLensController } from './LensContext';
import { OverlayCanvas } from './OverlayCanvas';
import { TextAttentionView } from './TextAttentionView';
import { useOverlayGeometry } from './use-overlay-geometry';

const BAR_WIDTH = 200;

/**
 * One generated token's decoder attention over the image (the hovered token, else the clicked one), and the
 * share of it on the outlier patches: the paper's link between outliers and hallucination.
 */
export function TokenAttentionView() {
  const lens = useLensController();
  const geometry = useOverlayGeometry();
  const info = useLens((s) => s.model.info);
  const ref = useLens((s) => s.ui.hovered ?? s.ui.selected);
  const token = useLens((s) => (ref ? s.run.captions[ref.caption].tokens[ref.step] : undefined));
  const attention = useLens((s) => s.attention);
  const recipe = useLens((s) => s.run.recipe);
  const outliers = useLens((s) => s.run.outliers);
  const settings = useLens((s) => s.settings);
  const view = useMemo(
    () => (info && ref ? tokenAttention(attention, recipe, ref, attentionSelection(settings, info)) : undefined),
    [attention, recipe, ref, settings, info],
  );
  const patches = useMemo(
    () => (outliers ? outliersAtK(outliers, settings.damro.k) : []),
    [outliers, settings.damro.k],
  );

  const selected = useLens((s) => s.ui.selected);
  const pinned = Boolean(ref && selected && ref.caption === selected.caption && ref.step === selected.step);
  useEffect(() => {
    // The layer × head grid needs the full detail of the clicked token; a hovered one fetches only when it must.
    if (ref && (view?.kind === 'needs-detail' || pinned)) void lens.ensureDetail(ref);
  }, [lens, ref, view?.kind, pinned]);
  const detail = ref ? attention.details[tokenKey(ref)] : undefined;
  const selection = info ? attentionSelection(settings, info) : undefined;
  const captionTokens = useLens((s) => (ref ? s.run.captions[ref.caption].tokens : undefined));
  const text = useMemo(
    () =>
      ref && info && captionTokens
        ? textAttention(attention, ref, attentionSelection(settings, info), captionTokens)
        : undefined,
    [attention, ref, settings, info, captionTokens],
  );
  const focus =
    selection && selection.head !== 'mean' && selection.layerTo === selection.layerFrom + 1
      ? { layer: selection.layerFrom, head: selection.head }
      : undefined;

  const values = view?.kind === 'values' ? view.values : undefined;
  const share = values && patches.length ? shareOnOutliers(values, patches) : Number.NaN;
  const bar = Number.isFinite(share) ? shareBar(share, BAR_WIDTH) : undefined;
  const image = useLens((s) => s.image);
  const describe = useMemo(() => {
    if (!info || !ref || !token) return [];
    const { layerFrom, layerTo, head } = attentionSelection(settings, info);
    return [
      `Decoder attention of the ${ref.caption === 'damro' ? 'DAMRO' : 'baseline'} caption's token ${ref.step + 1}, “${token.text.trim()}”, over the image${image ? ` ${image.name}` : ''}`,
      `Layers ${layerFrom}–${layerTo - 1} of ${info.decoder.layers}, ${head === 'mean' ? 'mean of the heads' : `head ${head}`} · ${Number.isFinite(share) ? `${(share * 100).toFixed(1)}% on the ${patches.length} outlier patches` : 'no share on the outliers'}`,
      `Model ${info.id} (${info.dtype}${info.synthetic ? ', random weights' : ''}) · DAMRO Lens`,
    ];
  }, [info, ref, token, settings, image, share, patches.length]);

  return (
    <section className="view" aria-label="Token attention">
      <h2>Token attention</h2>
      {info && <AttentionControls info={info} />}
      {geometry && ref && token ? (
        <>
          <p className="view__caption" data-testid="token-label">
            {ref.caption === 'damro' ? 'DAMRO' : 'Baseline'} token {ref.step + 1}: <q>{token.text}</q>
          </p>
          <div className="token-pair">
            <div>
              <OverlayCanvas
                name="token"
                label={`Decoder attention of token “${token.text.trim()}” over the image`}
                {...geometry}
                values={values}
                outliers={patches}
                colormap={settings.colormap as ColormapName}
                normalize={settings.normalize}
                describe={describe}
              />
            </div>
            <CounterpartView of={ref} text={token.text} geometry={geometry} outliers={patches} />
          </div>
          {view?.kind === 'needs-detail' && <p className="view__empty">Fetching this token's per-layer attention…</p>}
          {view?.kind === 'missing' && <p className="notice notice--info">{view.reason}</p>}
          {detail && geometry && (
            <HeadGrid
              stack={detail}
              grid={geometry.grid}
              colormap={settings.colormap as ColormapName}
              normalize={settings.normalize}
              focus={focus}
              onPick={(layer, head) => updateSettings({ layerFrom: layer, layerTo: layer + 1, head })}
            />
          )}
          {text && geometry && (
            <TextAttentionView
              view={text}
              imageTokens={geometry.grid.rows * geometry.grid.cols}
              colormap={settings.colormap as ColormapName}
              normalize={settings.normalize}
            />
          )}
          <div className="share" data-testid="outlier-share" data-share={Number.isFinite(share) ? share : ''}>
            <span>On the {patches.length} outlier patches:</span>
            <strong>{bar ? bar.label : '—'}</strong>
            <svg width={BAR_WIDTH} height={10} role="presentation">
              <rect width={BAR_WIDTH} height={10} className="share__track" />
              {bar && <rect width={bar.filledWidth} height={10} className="share__fill" />}
            </svg>
          </div>
        </>
      ) : (
        <p className="view__empty">Click or hover a token of either caption to see where it looked.</p>
      )}
    </section>
  );
}
