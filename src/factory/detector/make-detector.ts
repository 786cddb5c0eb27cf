// The model folder transformers.js's object-detection pipeline loads for the synthetic detector.
import { detectorConfigJson, detectorPreprocessorConfigJson } from './config-files';
import { buildDetectorGraph } from './detector-graph';

const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);

/** Relative path inside the model folder → file contents. */
export function makeDetectorModel(): Map<string, Uint8Array> {
  return new Map([
    ['config.json', json(detectorConfigJson())],
    ['preprocessor_config.json', json(detectorPreprocessorConfigJson())],
    ['onnx/model.onnx', buildDetectorGraph()],
  ]);
}
