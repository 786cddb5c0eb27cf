// A model folder whose weights are split over several external-data files per graph, as large Hub exports ship
// them (src/engine/browser-stack.md §10): `X.onnx_data`, `X.onnx_data_1`, … with config.json's
// transformers.js_config.use_external_data_format saying how many, so transformers.js finds them too.
import { splitExternalData } from '../onnx/external-data';

/** Splits each named onnx/ file's weights into `files(name)` external files next to it. */
export function withSplitWeights(
  source: ReadonlyMap<string, Uint8Array>,
  split: Readonly<Record<string, (onnxName: string) => readonly string[]>>,
): Map<string, Uint8Array> {
  const files = new Map(source);
  const counts: Record<string, number> = {};
  for (const [onnxName, names] of Object.entries(split)) {
    const path = `onnx/${onnxName}`;
    const model = files.get(path);
    if (!model) throw new Error(`withSplitWeights: the folder has no ${path}.`);
    const dataNames = names(onnxName);
    const { model: rewritten, data } = splitExternalData(model, dataNames);
    files.set(path, rewritten);
    for (const [name, bytes] of data) files.set(`onnx/${name}`, bytes);
    counts[onnxName] = dataNames.length;
  }
  const config = JSON.parse(new TextDecoder().decode(files.get('config.json'))) as Record<
    string,
    Record<string, unknown> | undefined
  >;
  const standard = Object.entries(split).filter(([onnxName, names]) =>
    names(onnxName).every((name, i) => name === chunkName(onnxName, i)),
  );
  if (standard.length > 0) {
    config['transformers.js_config'] = {
      ...config['transformers.js_config'],
      use_external_data_format: Object.fromEntries(standard.map(([onnxName]) => [onnxName, counts[onnxName]])),
    };
    files.set('config.json', new TextEncoder().encode(`${JSON.stringify(config, null, 2)}\n`));
  }
  return files;
}

/** transformers.js's chunk names: `X.onnx_data`, `X.onnx_data_1`, `X.onnx_data_2`, … */
export const chunkName = (onnxName: string, i: number): string => `${onnxName}_data${i === 0 ? '' : `_${i}`}`;

export const standardChunks = (count: number) => (onnxName: string) =>
  Array.from({ length: count }, (_, i) => chunkName(onnxName, i));
