import { LensError } from '../../protocol/errors';

/**
 * ONNX Runtime reports out-of-memory, a lost GPU and unloadable graphs as plain Error text; these become typed
 * errors that say what to do. `doing` names the step ("loading the decoder", "captioning").
 */
export function explainOrtError(error: unknown, doing: string): LensError {
  if (error instanceof LensError) return error;
  const text = error instanceof Error ? error.message : String(error);
  if (
    /out of memory|Cannot allocate|OOM|Array buffer allocation failed|allocation failed|exceeds the max buffer size/i.test(
      text,
    )
  ) {
    return new LensError(
      'out-of-memory',
      `Ran out of memory while ${doing} (${text}). Close other tabs, or pick a smaller model or a more compressed dtype (q4).`,
    );
  }
  if (/device (was |is )?lost|GPUDevice.*lost|DXGI_ERROR_DEVICE_REMOVED/i.test(text)) {
    return new LensError(
      'device-lost',
      `The GPU device was lost while ${doing}. Reload the page; if it happens again, switch to the WASM backend.`,
    );
  }
  return doing.startsWith('loading')
    ? new LensError('unsupported-model', `ONNX Runtime could not finish ${doing}: ${text}`)
    : new LensError(
        'internal',
        `ONNX Runtime failed while ${doing}: ${text}. Reload the page; if it persists, report it with this message.`,
      );
}
