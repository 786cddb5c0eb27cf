import { LensError } from '../../protocol/errors';
import type { CropAlign, ProcessorStep } from './processor';

/** The geometric fields of a Hugging Face preprocessor_config.json (as transformers.js reads them). */
export interface HfImageProcessorConfig {
  readonly do_resize?: boolean;
  readonly size?:
    | number
    | {
        readonly shortest_edge?: number;
        readonly longest_edge?: number;
        readonly height?: number;
        readonly width?: number;
      };
  readonly image_size?: HfImageProcessorConfig['size'];
  readonly max_size?: number;
  readonly do_center_crop?: boolean;
  readonly crop_size?: number | { readonly height: number; readonly width: number };
  readonly do_thumbnail?: boolean;
  readonly do_pad?: boolean;
  readonly do_crop_margin?: boolean;
  readonly size_divisibility?: number;
  readonly size_divisor?: number;
  readonly keep_aspect_ratio?: boolean;
}

// Options that move pixels in ways the step chain does not model; refusing them beats a silently wrong overlay.
const UNSUPPORTED: readonly (keyof HfImageProcessorConfig)[] = [
  'do_thumbnail',
  'do_pad',
  'do_crop_margin',
  'size_divisibility',
  'size_divisor',
  'keep_aspect_ratio',
];

function unsupported(what: string): LensError {
  return new LensError(
    'bad-request',
    `The image processor uses ${what}, which the patch geometry does not model yet; its overlays would be misplaced. Pick a CLIP- or SigLIP-style model or extend src/core/geometry.`,
    { option: what },
  );
}

function resizeStep(config: HfImageProcessorConfig): ProcessorStep | null {
  const sizeField = config.size ?? config.image_size;
  if (!(config.do_resize ?? sizeField !== undefined) || sizeField === undefined) return null;
  // A bare number means "shortest edge", with the longest edge capped at max_size or, failing that, the same
  // number: transformers.js then fits the whole image inside a size × size square.
  if (typeof sizeField === 'number')
    return { op: 'resize-aspect', shortestEdge: sizeField, longestEdge: config.max_size ?? sizeField };
  if (sizeField.shortest_edge !== undefined || sizeField.longest_edge !== undefined) {
    return { op: 'resize-aspect', shortestEdge: sizeField.shortest_edge, longestEdge: sizeField.longest_edge };
  }
  if (sizeField.width !== undefined && sizeField.height !== undefined)
    return { op: 'resize', width: sizeField.width, height: sizeField.height };
  throw unsupported(`size ${JSON.stringify(sizeField)}`);
}

function cropStep(config: HfImageProcessorConfig, align: CropAlign): ProcessorStep | null {
  if (!config.do_center_crop) return null;
  const crop = config.crop_size;
  if (crop === undefined) throw unsupported('do_center_crop without crop_size');
  return typeof crop === 'number'
    ? { op: 'center-crop', width: crop, height: crop, align }
    : { op: 'center-crop', width: crop.width, height: crop.height, align };
}

/** Step chain for a preprocessor config; `align` says which runtime crops (the browser app: 'canvas'). */
export function processorStepsFromHfConfig(
  config: HfImageProcessorConfig,
  align: CropAlign = 'canvas',
): ProcessorStep[] {
  const used = UNSUPPORTED.find((key) => config[key]);
  if (used) throw unsupported(used);
  return [resizeStep(config), cropStep(config, align)].filter((step): step is ProcessorStep => step !== null);
}
