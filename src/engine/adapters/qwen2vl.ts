// Qwen2-VL exports (transformers.js's Qwen2VLForConditionalGeneration and Qwen2VLProcessor): the processor resizes the
// whole image (smart_resize) to multiples of patch × merge pixels between min_pixels and max_pixels, so each image has
// its own token grid (image_grid_thw [t, h, w] in patches; h/merge × w/merge tokens), and hands the tower its patches
// flattened in merge order: each run of merge² patches is one token's block. The tower has no CLS, so the outlier
// score is always the labelled adaptation, read in its last block (full attention over the image), the one the merger
// reads; a token's score is the maximum over its block, as for pixel shuffle (pixel-shuffle.ts). The chat template
// writes <|vision_start|><|image_pad|><|vision_end|>; the processor repeats <|image_pad|> once per token. The decoder
// takes M-RoPE positions [3, batch, sequence]: an image token at (start, start + row, start + column), the text after
// the image from the largest of them + 1 (get_rope_index); DAMRO's rows keep every kept token's own grid position
// (src/core/damro-spec.md §1.2).
import { LensError } from '../../protocol/errors';
import type { Grid } from '../../protocol/messages';
import { tensor } from '../runtime/sessions';
import { field, isInt, isObject, parseTextConfig, type Json } from './config-fields';
import { imageTextAdapter, type FamilyPlan, type FamilySpec, type PromptIds } from './image-text-model';

/** Qwen2VLProcessor's placeholder, repeated once per image token. */
const IMAGE_PAD = '<|image_pad|>';

/** M-RoPE positions of a row whose image span holds `tokens` of `grid` (see the header). */
export function mropePositions({ ids, start, count }: PromptIds, grid: Grid, tokens: ArrayLike<number>) {
  const after = ids.length - start - count;
  const length = start + tokens.length + after;
  const axes = [new Int32Array(length), new Int32Array(length), new Int32Array(length)];
  for (let t = 0; t < start; t++) for (const axis of axes) axis[t] = t;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    axes[0]![start + i] = start;
    axes[1]![start + i] = start + Math.floor(token / grid.cols);
    axes[2]![start + i] = start + (token % grid.cols);
  }
  // The full image's largest position is start + max(rows, cols) − 1, whichever tokens this row keeps.
  const textFrom = start + Math.max(grid.rows, grid.cols);
  for (let j = 0; j < after; j++) for (const axis of axes) axis[start + tokens.length + j] = textFrom + j;
  const positions = new Int32Array(3 * length);
  axes.forEach((axis, a) => positions.set(axis, a * length));
  return { ids: positions, next: textFrom + after };
}

/**
 * Qwen2.5-VL's window order: windows of `ws` × `ws` tokens, row of windows by row of windows, each read row by row;
 * the token (raster index on the grid) at each place.
 */
export function windowOrder(grid: Grid, ws: number): number[] {
  const order: number[] = [];
  for (let top = 0; top < grid.rows; top += ws)
    for (let left = 0; left < grid.cols; left += ws)
      for (let r = top; r < Math.min(top + ws, grid.rows); r++)
        for (let c = left; c < Math.min(left + ws, grid.cols); c++) order.push(r * grid.cols + c);
  return order;
}

/** Qwen2.5-VL's windowed tower: window side in tokens and the blocks with full attention. */
interface Windows {
  readonly tokens: number;
  readonly fullBlocks: readonly number[];
}

function windowsOf(vision: Json, patchSize: number, merge: number, where: string): Windows {
  const size = field(vision, 'window_size', 'vision_config.', isInt, where);
  const full = vision.fullatt_block_indexes;
  const tokens = size / (patchSize * merge);
  if (!Number.isInteger(tokens) || !Array.isArray(full) || full.length === 0 || !full.every(isInt)) {
    throw new LensError(
      'unsupported-model',
      `config.json's vision_config.window_size (${size}) is not a whole number of ${patchSize * merge}-pixel tokens, or its fullatt_block_indexes (${JSON.stringify(full)}) name no full-attention block; ${where} export is not understood.`,
    );
  }
  return { tokens, fullBlocks: full };
}

const spec = (family: 'qwen2_vl' | 'qwen2_5_vl'): FamilySpec => ({
  family,
  plan(rawConfig, generation, processor): FamilyPlan {
    const json = rawConfig as Json;
    const where = `this ${family}`;
    const vision = field(json, 'vision_config', '', isObject, where);
    const layers = field(vision, 'depth', 'vision_config.', isInt, where);
    const merge = field(vision, 'spatial_merge_size', 'vision_config.', isInt, where);
    const imageTokenId = field(json, 'image_token_id', '', isInt, where);
    const imageProcessor = processor.image_processor!;
    const pixels = imageProcessor.config as { min_pixels?: number; max_pixels?: number; patch_size?: number };
    const factor = (pixels.patch_size ?? 0) * merge;
    const maxPixels = pixels.max_pixels ?? 0;
    if (!(factor > 0) || !(maxPixels >= factor * factor)) {
      throw new LensError(
        'unsupported-model',
        `preprocessor_config.json's patch_size (${pixels.patch_size}) and max_pixels (${pixels.max_pixels}) do not describe a Qwen2-VL patch grid; ${where} export is not understood.`,
      );
    }
    const windows = family === 'qwen2_5_vl' ? windowsOf(vision, pixels.patch_size!, merge, where) : undefined;
    // Qwen2.5-VL exports name the grid input image_grid_thw (transformers.js's image_grid_thw_name).
    const gridInput = family === 'qwen2_5_vl' ? 'image_grid_thw' : 'grid_thw';
    // The grid of a square image at max_pixels; each image gets its own (perImage.grid).
    const side = Math.floor(Math.sqrt(maxPixels) / factor);
    const tokenizer = processor.tokenizer!;
    return {
      // The language model's shape sits at the top level of a qwen2_vl config.json.
      text: parseTextConfig({ ...json, text_config: json.text_config ?? json }, generation, where),
      // Qwen2-VL: the last block, which the merger reads. Qwen2.5-VL: the last block whose attention spans the image.
      scoreLayer: windows ? Math.max(...windows.fullBlocks) : layers - 1,
      hasCls: false,
      tokenGrid: { rows: side, cols: side },
      // The whole image is resized (aspect kept up to rounding) and covered by its grid: a stretch onto it.
      processorGeometry: {
        shortestEdge: side * factor,
        crop: { height: side * factor, width: side * factor },
        resize: 'stretch',
      },
      visionInputs: ['pixel_values', gridInput],
      async preprocess(input) {
        const out = (await imageProcessor(input)) as Record<
          'pixel_values' | 'image_grid_thw',
          { data: Float32Array | BigInt64Array; dims: number[] }
        >;
        const { pixel_values: values, image_grid_thw: grid } = out;
        return {
          pixel_values: tensor('float32', values.data as Float32Array, values.dims),
          [gridInput]: tensor('int64', grid.data as BigInt64Array, grid.dims),
        };
      },
      perImage: {
        grid(feeds) {
          const [t, h, w] = Array.from(feeds[gridInput]!.data as BigInt64Array, Number);
          if (t !== 1 || h! % merge !== 0 || w! % merge !== 0)
            throw new LensError(
              'unsupported-model',
              `The image processor gave a ${t} × ${h} × ${w} patch grid, not one frame of ${merge} × ${merge} blocks; ${where} export is not understood.`,
            );
          return { rows: h! / merge, cols: w! / merge };
        },
        positions: mropePositions,
      },
      tokenScores(patchScores, grid) {
        const block = merge * merge;
        const out = new Float32Array(patchScores.length / block);
        // A windowed tower holds its tokens in window order: place k holds token order[k].
        const order = windows && grid ? windowOrder(grid, windows.tokens) : undefined;
        if (windows && order?.length !== out.length)
          throw new LensError(
            'attention-unavailable',
            `The vision tap gave ${out.length} token scores for a grid of ${order?.length ?? 'unknown'} tokens; ${where} export's vision layout is not supported.`,
          );
        for (let k = 0; k < out.length; k++)
          out[order?.[k] ?? k] = Math.max(...patchScores.subarray(k * block, (k + 1) * block));
        return out;
      },
      promptIds(text, imageTokens) {
        const parts = text.split(IMAGE_PAD);
        if (parts.length !== 2)
          throw new LensError(
            'unsupported-model',
            `The chat template must place exactly one ${IMAGE_PAD} in the prompt; it placed ${parts.length - 1}.`,
          );
        const ids = tokenizer.encode(parts.join(IMAGE_PAD.repeat(imageTokens)));
        const start = ids.indexOf(imageTokenId);
        const count = ids.lastIndexOf(imageTokenId) - start + 1;
        if (start < 0 || count !== imageTokens || ids.slice(start, start + count).some((id) => id !== imageTokenId)) {
          throw new LensError(
            'unsupported-model',
            `The tokenizer did not keep ${imageTokens} consecutive ${IMAGE_PAD} tokens (id ${imageTokenId}); ${where} export's tokenizer is not understood.`,
          );
        }
        return { ids, start, count };
      },
    };
  },
});

export const qwen2vlAdapter = imageTextAdapter(spec('qwen2_vl'));
/** Qwen2.5-VL: as Qwen2-VL, with a windowed tower (scored at its last full-attention block) and image_grid_thw. */
export const qwen25vlAdapter = imageTextAdapter(spec('qwen2_5_vl'));
