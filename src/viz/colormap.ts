import {
  interpolateCividis,
  interpolateGreys,
  interpolateInferno,
  interpolateMagma,
  interpolatePlasma,
  interpolateTurbo,
  interpolateViridis,
  rgb,
} from 'd3';
import { invalidOption } from './errors';

// Interpolators are t ∈ [0, 1] → CSS colour; parsing a colour string per patch per redraw would dominate the
// heatmap's cost, so each map is sampled once into a 256-entry RGBA table and indexed by ⌊t · 255⌉.
export const LUT_SIZE = 256;

const INTERPOLATORS = {
  viridis: interpolateViridis,
  magma: interpolateMagma,
  inferno: interpolateInferno,
  plasma: interpolatePlasma,
  cividis: interpolateCividis,
  turbo: interpolateTurbo,
  greys: interpolateGreys,
} as const satisfies Record<string, (t: number) => string>;

export type ColormapName = keyof typeof INTERPOLATORS;

export const colormapNames = Object.keys(INTERPOLATORS) as ColormapName[];

export const colormapDefaults = { name: 'viridis' } as const satisfies { name: ColormapName };

/** 256 × RGBA, entry i is the colour at t = i / 255; alpha is always 255. */
export type ColormapLut = Uint8ClampedArray;

function compile(interpolate: (t: number) => string): ColormapLut {
  const lut = new Uint8ClampedArray(LUT_SIZE * 4);
  for (let i = 0; i < LUT_SIZE; i++) {
    const c = rgb(interpolate(i / (LUT_SIZE - 1)));
    lut.set([c.r, c.g, c.b, 255], i * 4);
  }
  return lut;
}

const compiled = new Map<ColormapName, ColormapLut>();

export function isColormapName(name: string): name is ColormapName {
  return Object.hasOwn(INTERPOLATORS, name);
}

/** The lookup table of a named colormap, compiled on first use; shared, so do not write into it. */
export function colormapLut(name: string): ColormapLut {
  if (!isColormapName(name)) throw invalidOption('colormap', name, `one of ${colormapNames.join(', ')}`);
  let lut = compiled.get(name);
  if (!lut) {
    lut = compile(INTERPOLATORS[name]);
    compiled.set(name, lut);
  }
  return lut;
}
