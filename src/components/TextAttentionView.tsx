import { Fragment, useMemo } from 'react';
import type { NormalizerName } from '../core/attention/normalize';
import type { TextAttentionView as View } from '../state/derive';
import type { ColormapName } from '../viz/colormap';
import { textAttentionCells } from '../viz/text-attention';
import { ColourLegend } from './ColourLegend';

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

/**
 * The selected token's attention over the prompt and the caption before it, each text token coloured on the
 * heatmaps' scale, with where its attention went in total (image, prompt, caption so far).
 */
export function TextAttentionView({
  view,
  imageTokens,
  colormap,
  normalize,
}: {
  view: View;
  imageTokens: number;
  colormap: ColormapName;
  normalize: NormalizerName;
}) {
  const cells = useMemo(
    () => textAttentionCells(view.values, { colormap, normalize }),
    [view.values, colormap, normalize],
  );
  const { totals } = view;
  return (
    <figure className="text-attention" data-testid="text-attention">
      <figcaption>
        Over the text: {percent(totals.prompt)} on the prompt, {percent(totals.caption)} on the caption so far,{' '}
        {percent(totals.image)} on the image
      </figcaption>
      <p className="text-attention__tokens">
        {view.pieces.map((piece, i) => (
          <Fragment key={i}>
            {i === view.imageAt && (
              <span className="text-attention__image" data-testid="text-attention-image">
                [image: {imageTokens} tokens, {percent(totals.image)}]
              </span>
            )}
            <span
              className={`text-attention__token text-attention__token--${piece.source}`}
              data-value={piece.value}
              style={{ background: cells[i]?.background, color: cells[i]?.ink }}
              title={`${piece.source === 'prompt' ? 'Prompt' : 'Caption'} token “${piece.text}”: ${percent(piece.value)}`}
            >
              {piece.text.trim() || '␣'}
            </span>
          </Fragment>
        ))}
      </p>
      <ColourLegend colormap={colormap} normalize={normalize} />
    </figure>
  );
}
