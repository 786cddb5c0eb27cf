// Where an ONNX file keeps its weights: TensorProto.external_data {location, offset, length} entries
// (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto). Large exports spread them over several files
// (`X.onnx_data`, `X.onnx_data_1`, …, or any other name the exporter chose), so the file names are read from
// the graph, never guessed from the .onnx name.
import { LensError } from '../../protocol/errors';
import type { ScannedInitializer, ScannedModel } from './scan';
import { WireReader, WireType } from './wire';

const TENSOR_EXTERNAL_DATA = 13;
const ENTRY = { key: 1, value: 2 } as const;

/** An external initializer's key/value entries (location, offset, length, checksum). */
export function externalDataEntries(bytes: Uint8Array, init: ScannedInitializer): Readonly<Record<string, string>> {
  const entries: Record<string, string> = {};
  const r = new WireReader(bytes, init.span.start, init.span.end);
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field !== TENSOR_EXTERNAL_DATA || wireType !== WireType.LEN) {
      r.skip(wireType);
      continue;
    }
    const entry = r.span();
    const inner = new WireReader(bytes, entry.start, entry.end);
    let key = '';
    let value = '';
    while (!inner.done) {
      const tag = inner.tag();
      if (tag.field === ENTRY.key && tag.wireType === WireType.LEN) key = inner.string();
      else if (tag.field === ENTRY.value && tag.wireType === WireType.LEN) value = inner.string();
      else inner.skip(tag.wireType);
    }
    entries[key] = value;
  }
  return entries;
}

/**
 * The external-data files the graph's initializers reference, each once, in first-use order. Locations are
 * relative to the .onnx file's folder; one that climbs out of it or is absolute is refused, since a model
 * folder (or Hub repo) is all the loader may read.
 */
export function externalDataFiles(bytes: Uint8Array, model: ScannedModel, what: string): string[] {
  const files = new Set<string>();
  for (const init of model.graph.initializers) {
    if (!init.external) continue;
    const location = externalDataEntries(bytes, init).location;
    if (!location)
      throw new LensError(
        'unsupported-model',
        `Initializer '${init.name}' of ${what} is marked as external data but names no file (no 'location' entry); the export is damaged. Re-export the model.`,
      );
    if (location.startsWith('/') || /^[a-z]:/i.test(location) || location.split(/[\\/]/).includes('..')) {
      throw new LensError(
        'unsupported-model',
        `Initializer '${init.name}' of ${what} keeps its data in '${location}', outside the model folder; only files next to the .onnx file can be loaded.`,
      );
    }
    files.add(location);
  }
  return [...files];
}
