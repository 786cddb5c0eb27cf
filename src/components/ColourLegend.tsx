import type { NormalizerName } from '../core/attention/normalize';
import { legendStops } from '../viz/legend';

/** The colour scale under a heatmap: which colour is low and which is high, and how values were scaled. */
export function ColourLegend({ colormap, normalize }: { colormap: string; normalize: NormalizerName }) {
  return (
    <div className="colour-legend" data-testid="colour-legend" data-colormap={colormap}>
      <span>low</span>
      <span
        className="colour-legend__bar"
        style={{ background: `linear-gradient(to right, ${legendStops(colormap).join(', ')})` }}
      />
      <span>high</span>
      <small>({normalize} per map)</small>
    </div>
  );
}
