import { useEffect, useRef } from 'react';
import type { AttentionStack } from '../core/attention/aggregate';
import type { NormalizerName } from '../core/attention/normalize';
import type { PatchGrid } from '../core/geometry';
import type { ColormapName } from '../viz/colormap';
import { heatmap } from '../viz/heatmap';

const CELL = 44;
const GAP = 4;

interface Props {
  readonly stack: AttentionStack;
  readonly grid: PatchGrid;
  readonly colormap: ColormapName;
  readonly normalize: NormalizerName;
  /** The layer and head in focus, outlined. */
  readonly focus: { readonly layer: number; readonly head: number } | undefined;
  onPick(layer: number, head: number): void;
}

/** One small map per decoder layer (rows) and head (columns) for one token; click one to focus the big view on it. */
export function HeadGrid({ stack, grid, colormap, normalize, focus, onPick }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const width = stack.heads * (CELL + GAP);
  const height = stack.layers * (CELL + GAP);

  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    context.clearRect(0, 0, width, height);
    context.imageSmoothingEnabled = false;
    const tile = Object.assign(document.createElement('canvas'), { width: grid.cols, height: grid.rows });
    const tileContext = tile.getContext('2d')!;
    for (let layer = 0; layer < stack.layers; layer++) {
      for (let head = 0; head < stack.heads; head++) {
        const start = (layer * stack.heads + head) * stack.imageTokens;
        const values = stack.data.subarray(start, start + stack.imageTokens);
        const pixels = tileContext.createImageData(grid.cols, grid.rows);
        pixels.data.set(heatmap(values, grid, { colormap, normalize, opacity: 1 }));
        tileContext.putImageData(pixels, 0, 0);
        context.drawImage(tile, head * (CELL + GAP), layer * (CELL + GAP), CELL, CELL);
      }
    }
    if (focus) {
      context.strokeStyle = '#ff2d55';
      context.lineWidth = 2;
      context.strokeRect(focus.head * (CELL + GAP) + 1, focus.layer * (CELL + GAP) + 1, CELL - 2, CELL - 2);
    }
  }, [stack, grid, colormap, normalize, focus, width, height]);

  return (
    <figure className="head-grid">
      <canvas
        ref={canvas}
        data-testid="head-grid"
        width={width}
        height={height}
        role="img"
        aria-label={`This token's attention per layer (${stack.layers} rows) and head (${stack.heads} columns); click one to show it above`}
        onClick={(e) => {
          const box = e.currentTarget.getBoundingClientRect();
          const head = Math.floor(((e.clientX - box.left) / box.width) * stack.heads);
          const layer = Math.floor(((e.clientY - box.top) / box.height) * stack.layers);
          if (layer >= 0 && layer < stack.layers && head >= 0 && head < stack.heads) onPick(layer, head);
        }}
      />
      <figcaption>Layers top to bottom, heads left to right; each map scaled on its own.</figcaption>
    </figure>
  );
}
