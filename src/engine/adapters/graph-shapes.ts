// config.json against the graphs, at load time: a config that disagrees with its ONNX files (another hidden size,
// image size or head layout) would otherwise fail mid-run inside ONNX Runtime. Only dimensions the graph fixes
// (numbers, not symbolic names) are compared.
import { LensError } from '../../protocol/errors';
import type { Grid } from '../../protocol/messages';
import type { TextConfig } from './config-fields';

/** The part of an ORT session this check reads (InferenceSession.inputMetadata / outputMetadata). */
export interface GraphMetadata {
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
}

type ValueMetadata =
  | { readonly name: string; readonly isTensor: false }
  | { readonly name: string; readonly isTensor: true; readonly shape: ReadonlyArray<number | string> };

export interface ShapeExpectations {
  readonly text: TextConfig;
  /** The vision encoder's fixed image geometry; absent where the processor sizes the grid to each image. */
  readonly image?: {
    readonly tokenGrid: Grid;
    /** The size of the images the processor hands the vision encoder. */
    readonly crop: { readonly height: number; readonly width: number };
  };
}

export interface GraphFiles<T> {
  readonly vision: T;
  readonly embed: T;
  readonly decoder: T;
}

/** Graph, value, axis, wanted size, and the setting that fixes it. */
type Check = [keyof GraphFiles<unknown>, string, number, number, string];

/** Dimension `axis` (negative counts from the end) of a graph value, when the graph fixes it. */
function fixedDim(graph: GraphMetadata, name: string, axis: number): number | undefined {
  const value = [...graph.inputMetadata, ...graph.outputMetadata].find((v) => v.name === name);
  if (!value?.isTensor) return undefined;
  const dim = value.shape[axis < 0 ? value.shape.length + axis : axis];
  return typeof dim === 'number' && dim > 0 ? dim : undefined;
}

/** The vision encoder's image checks: the token count and the pixel size it fixes. */
function imageChecks({ tokenGrid, crop }: NonNullable<ShapeExpectations['image']>): Check[] {
  return [
    [
      'vision',
      'image_features',
      -2,
      tokenGrid.rows * tokenGrid.cols,
      `config.json vision_config.image_size / patch_size (a ${tokenGrid.rows}×${tokenGrid.cols} token grid)`,
    ],
    [
      'vision',
      'pixel_values',
      -2,
      crop.height,
      'the image size of preprocessor_config.json and config.json vision_config',
    ],
    [
      'vision',
      'pixel_values',
      -1,
      crop.width,
      'the image size of preprocessor_config.json and config.json vision_config',
    ],
  ];
}

/** Throws a 'bad-model-config' error naming the setting and the file when a fixed graph dimension disagrees. */
export function checkGraphShapes(
  graphs: GraphFiles<GraphMetadata>,
  files: GraphFiles<string>,
  expected: ShapeExpectations,
): void {
  const { text, image } = expected;
  // A hybrid decoder's first layers may carry a convolution state instead of keys: check the first key cache there is,
  // and the states' channels.
  const inputs = graphs.decoder.inputMetadata.map((v) => v.name);
  const firstKey = inputs.find((name) => /^past_key_values\.\d+\.key$/.test(name)) ?? 'past_key_values.0.key';
  const firstState = inputs.find((name) => name.startsWith('past_conv.'));
  const checks: Check[] = [
    ['embed', 'inputs_embeds', -1, text.hidden, 'config.json text_config.hidden_size'],
    ['decoder', 'inputs_embeds', -1, text.hidden, 'config.json text_config.hidden_size'],
    ['decoder', 'logits', -1, text.vocabSize, 'config.json text_config.vocab_size'],
    ['decoder', firstKey, 1, text.kvHeads, 'config.json text_config.num_key_value_heads'],
    ['decoder', firstKey, 3, text.headDim, 'config.json text_config.head_dim (or hidden_size / num_attention_heads)'],
    ...(firstState
      ? [['decoder', firstState, 1, text.hidden, 'config.json text_config.hidden_size'] satisfies Check]
      : []),
    ['vision', 'image_features', -1, text.hidden, 'config.json text_config.hidden_size'],
  ];
  if (image) imageChecks(image).forEach((check) => checks.push(check));
  for (const [graph, value, axis, wanted, field] of checks) {
    const actual = fixedDim(graphs[graph], value, axis);
    if (actual !== undefined && actual !== wanted) {
      throw new LensError(
        'bad-model-config',
        `The model's configuration does not fit ${files[graph]}: ${field} gives ${wanted}, but the graph's '${value}' has ${actual} there. The configuration and the ONNX files come from different models; take both from the same model repository.`,
        { file: files[graph], field, expected: wanted, actual },
      );
    }
  }
}
