// Moves a model's weights out of the .onnx file into several external-data files, the way large exports ship
// (TensorProto.data_location = EXTERNAL with {location, offset, length} entries, onnx.proto). Tensors are dealt
// out in graph order so every file gets a share; small constants (shapes, scalars) stay inline, as exporters
// keep anything under their size threshold.
import { ModelProto } from './schema';

const EXTERNAL = 1;
/** Exporters' default inline threshold is 1 KiB; the tiny models' weights are smaller, so keep only scalars. */
const INLINE_BYTES = 64;

interface DecodedTensor {
  name: string;
  raw_data?: Uint8Array;
  external_data?: { key: string; value: string }[];
  data_location?: number;
}

interface DecodedModel {
  graph: { initializer: DecodedTensor[] };
}

/** The model with its weights spread over `files` (names as the graph will reference them), and those files. */
export function splitExternalData(
  model: Uint8Array,
  files: readonly string[],
): { model: Uint8Array; data: Map<string, Uint8Array> } {
  if (files.length === 0) throw new Error('splitExternalData needs at least one file name.');
  const decoded = ModelProto.decode(model) as unknown as DecodedModel;
  const moved = decoded.graph.initializer.filter((t) => (t.raw_data?.length ?? 0) > INLINE_BYTES);
  const chunks = files.map(() => [] as Uint8Array[]);
  const sizes = files.map(() => 0);
  moved.forEach((tensor, i) => {
    const file = Math.floor((i * files.length) / moved.length);
    const raw = tensor.raw_data!;
    tensor.external_data = [
      { key: 'location', value: files[file]! },
      { key: 'offset', value: String(sizes[file]) },
      { key: 'length', value: String(raw.length) },
    ];
    tensor.data_location = EXTERNAL;
    delete tensor.raw_data;
    chunks[file]!.push(raw);
    sizes[file]! += raw.length;
  });
  const data = new Map<string, Uint8Array>();
  files.forEach((name, f) => {
    const bytes = new Uint8Array(sizes[f]!);
    let at = 0;
    for (const chunk of chunks[f]!) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    data.set(name, bytes);
  });
  return { model: ModelProto.encode(decoded as never).finish(), data };
}
