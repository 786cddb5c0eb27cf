import type { ErrorCode } from '../protocol/errors';

/** A heading per error code; the message from the engine already says what to do. */
const TITLES: Partial<Record<ErrorCode, string>> = {
  'out-of-memory': 'Out of memory',
  'device-lost': 'The GPU device was lost',
  'unsupported-model': 'Unsupported model layout',
  'bad-model-file': 'Damaged model file',
  'bad-model-config': 'The model’s configuration does not fit it',
  'attention-unavailable': 'This model does not export attention',
  'model-not-found': 'Model not found',
  network: 'Could not reach the model host',
  'bad-image': 'Cannot read this image',
  'image-too-large': 'The image is too large',
  'no-model': 'No model loaded',
};

export const errorTitle = (code: ErrorCode, fallback: string): string => TITLES[code] ?? fallback;
