import { useEffect, useMemo, useRef } from 'react';
import type { CaptionKind } from '../protocol/messages';
import { captionOutlierShares } from '../state/derive';
import { useLens } from '../state/store';
import { selectToken } from '../state/view-actions';
import { shareStripPixels } from '../viz/share-strip';

const COLORMAP = 'magma';

/** Under a caption: each token's share of attention on the outliers, one cell per token (click selects it). */
export function ShareStrip({ caption }: { caption: CaptionKind }) {
  const tokens = useLens((s) => s.run.captions[caption].tokens);
  const attention = useLens((s) => s.attention);
  const outliers = useLens((s) => s.run.outliers);
  const k = useLens((s) => s.run.recipe?.damro.k ?? s.settings.damro.k);
  const shares = useMemo(
    () => captionOutlierShares(attention, outliers, k, caption, tokens),
    [attention, outliers, k, caption, tokens],
  );
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context || shares.length === 0) return;
    const pixels = context.createImageData(shares.length, 1);
    pixels.data.set(shareStripPixels(shares, COLORMAP));
    context.putImageData(pixels, 0, 0);
  }, [shares]);

  if (tokens.length === 0 || !outliers) return null;
  const known = shares.filter(Number.isFinite);
  const mean = known.length ? known.reduce((a, b) => a + b, 0) / known.length : Number.NaN;
  return (
    <div className="share-strip">
      <canvas
        ref={canvas}
        className="share-strip__cells"
        data-testid={`share-strip-${caption}`}
        width={shares.length}
        height={1}
        role="img"
        aria-label={`Each ${caption} token's share of attention on the ${k} outlier patches, darkest none, brightest all`}
        onClick={(e) => {
          const box = e.currentTarget.getBoundingClientRect();
          const index = Math.floor(((e.clientX - box.left) / box.width) * tokens.length);
          if (tokens[index]) selectToken({ caption, step: tokens[index].step });
        }}
      />
      <small>
        Per token, share of attention on the outliers
        {Number.isFinite(mean) ? ` (mean ${(mean * 100).toFixed(0)}%)` : ''}: dark none, bright all
      </small>
    </div>
  );
}
