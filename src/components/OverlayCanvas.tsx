import { useEffect, useMemo, useRef, useState } from 'react';
import type { NormalizerName } from '../core/attention/normalize';
import type { PatchGrid, PatchIndex, ProcessorPlan } from '../core/geometry';
import type { ColormapName } from '../viz/colormap';
import { heatmap } from '../viz/heatmap';
import { drawOverlay, heatmapSource, overlayLayout, type OverlayContext } from '../viz/overlay';
import { drawLegendBand, legendBandHeight, wrapLegendLines } from '../viz/legend';
import { ColourLegend } from './ColourLegend';
import { registerOverlay, type OverlayName } from './overlay-canvases';

/** Logical width of an overlay; the height follows the image's aspect within limits. */
const DISPLAY_WIDTH = 480;

export function displaySize(plan: ProcessorPlan): { width: number; height: number } {
  const height = Math.round((DISPLAY_WIDTH * plan.original.height) / plan.original.width);
  return { width: DISPLAY_WIDTH, height: Math.max(240, Math.min(640, height)) };
}

export function useLoadedImage(url: string): HTMLImageElement | undefined {
  const [loaded, setLoaded] = useState<HTMLImageElement>();
  useEffect(() => {
    const image = new Image();
    let live = true;
    image.onload = () => live && setLoaded(image);
    image.src = url;
    return () => {
      live = false;
    };
  }, [url]);
  return loaded?.src === url ? loaded : undefined;
}

const pixelCanvas = (width: number, height: number) =>
  Object.assign(document.createElement('canvas'), { width, height });

interface Props {
  readonly name: OverlayName;
  readonly label: string;
  readonly imageUrl: string;
  readonly plan: ProcessorPlan;
  readonly grid: PatchGrid;
  /** One value per patch; absent: only the image and the outlines. */
  readonly values?: Float32Array;
  readonly outliers: readonly PatchIndex[];
  readonly colormap: ColormapName;
  readonly normalize: NormalizerName;
  /** What the map shows (token, layers, model), printed on an exported PNG. */
  readonly describe: readonly string[];
}

/** The overlay at the image's own resolution, a legend band below it. */
function exportCanvas(
  props: Props,
  image: HTMLImageElement | undefined,
  heatmapCanvas: CanvasImageSource | undefined,
): HTMLCanvasElement {
  const { width, height } = props.plan.original;
  const layout = overlayLayout({
    display: { width, height },
    plan: props.plan,
    grid: props.grid,
    outliers: props.outliers,
  });
  const fontPx = Math.max(11, Math.round(width / 45));
  const described = [
    ...props.describe,
    `Colours: ${props.colormap}, ${props.normalize} normalised per map; red outlines: the outlier patches, by rank.`,
  ];
  const lines = wrapLegendLines(pixelCanvas(1, 1).getContext('2d')!, described, width - fontPx * 1.2, fontPx);
  const canvas = pixelCanvas(width, height + legendBandHeight(fontPx, lines.length));
  const context = canvas.getContext('2d')!;
  drawOverlay(context as OverlayContext, layout, {
    image,
    heatmap: heatmapCanvas && { source: heatmapCanvas, smooth: false },
  });
  drawLegendBand(context, {
    x: 0,
    y: height,
    width,
    fontPx,
    colormap: props.colormap,
    lines,
    low: 'low',
    high: 'high',
  });
  return canvas;
}

/** The image at its own aspect, the cropped-away area dimmed, a patch heatmap and numbered outlier outlines. */
export function OverlayCanvas(props: Props) {
  const { name, label, imageUrl, plan, grid, values, outliers, colormap, normalize } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const image = useLoadedImage(imageUrl);
  const layout = useMemo(
    () => overlayLayout({ display: displaySize(plan), plan, grid, outliers }),
    [plan, grid, outliers],
  );
  const { display } = layout;
  const source = useMemo(
    () =>
      values
        ? heatmapSource(heatmap(values, grid, { colormap, normalize, opacity: 0.65 }), grid, pixelCanvas)
        : undefined,
    [values, grid, colormap, normalize],
  );

  const latest = useRef({ props, image, source });
  latest.current = { props, image, source };
  useEffect(() => {
    const exportPng = () => {
      const { props: p, image: i, source: s } = latest.current;
      return new Promise<Blob | null>((resolve) => exportCanvas(p, i, s).toBlob(resolve, 'image/png'));
    };
    registerOverlay(name, canvas.current && { canvas: canvas.current, exportPng });
    return () => registerOverlay(name, null);
  }, [name]);

  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    const scale = canvas.current!.width / display.width;
    context.setTransform(scale, 0, 0, scale, 0, 0);
    drawOverlay(context as OverlayContext, layout, { image, heatmap: source && { source, smooth: false } });
  }, [layout, source, image, display.width]);

  const ratio = typeof devicePixelRatio === 'number' && devicePixelRatio > 0 ? Math.min(devicePixelRatio, 3) : 1;
  return (
    <>
      <canvas
        ref={canvas}
        className="overlay"
        role="img"
        aria-label={label}
        data-outline-count={outliers.length}
        data-heatmap={values ? 'on' : 'off'}
        width={Math.round(display.width * ratio)}
        height={Math.round(display.height * ratio)}
        style={{ aspectRatio: `${display.width} / ${display.height}` }}
      />
      {values && <ColourLegend colormap={colormap} normalize={normalize} />}
    </>
  );
}
