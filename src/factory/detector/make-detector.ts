// The model folder transformers.js's object-detection pipeline loads for the synthetic detector.
import { detectorConfigJson, detectorPreprocessorConfigJson } from './config-files';
import { buildDetectorGraph } from './detector-graph';
import { jsonFile } from '../json-file';

/** Relative path inside the model folder → file contents. */
export function makeDetectorModel(): Map<string, Uint8Array> {
  return new Map([
    ['config.json', jsonFile(detectorConfigJson())],
    ['preprocessor_config.json', jsonFile(detectorPreprocessorConfigJson())],
    ['onnx/model.onnx', buildDetectorGraph()],
  ]);
}
