import { useEffect, useMemo, useRef, useState } from 'react';
import type { NormalizerName } from '../core/attention/normalize';
import type { PatchGrid, PatchIndex, ProcessorPlan } from '../core/geometry';
import type { ColormapName } from '../viz/colormap';
import { heatmap } from '../viz/heatmap';
import { drawOverlay, heatmapSource, overlayLayout, type OverlayContext } from '../viz/overlay';
import { registerOverlayCanvas, type OverlayName } from './overlay-canvases';

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

const pixelCanvas = (width: number, height: number) => Object.assign(document.createElement('canvas'), { width, height });

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
}

/** The image at its own aspect, the cropped-away area dimmed, a patch heatmap and numbered outlier outlines. */
export function OverlayCanvas({ name, label, imageUrl, plan, grid, values, outliers, colormap, normalize }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const image = useLoadedImage(imageUrl);
  const layout = useMemo(() => overlayLayout({ display: displaySize(plan), plan, grid, outliers }), [plan, grid, outliers]);
  const { display } = layout;
  const source = useMemo(() => (values ? heatmapSource(heatmap(values, grid, { colormap, normalize, opacity: 0.65 }), grid, pixelCanvas) : undefined), [values, grid, colormap, normalize]);

  useEffect(() => {
    registerOverlayCanvas(name, canvas.current);
    return () => registerOverlayCanvas(name, null);
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
  );
}
