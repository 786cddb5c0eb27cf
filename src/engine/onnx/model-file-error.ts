// A model file DAMRO Lens cannot read or edit. The scanner and the splicer see bytes, not file names, so they
// throw with the reason only; the loader, which knows which file it is reading, names it (inModelFile).
import { LensError } from '../../protocol/errors';

type Problem = 'is not a valid ONNX file' | 'cannot take the attention taps';

export function modelFileError(
  reason: string,
  problem: Problem = 'is not a valid ONNX file',
  file?: string,
): LensError {
  const advice =
    problem === 'is not a valid ONNX file'
      ? 'Download it again, or re-export the model.'
      : 'Re-export the model with the standard exporter.';
  return new LensError(
    'bad-model-file',
    `${file ?? 'The model file'} ${problem} (${reason}). ${advice}`,
    file === undefined ? { reason, problem } : { reason, problem, file },
  );
}

/** Runs `work` on the bytes of `file`; a model-file error from it comes out naming the file. */
export function inModelFile<T>(file: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof LensError && error.code === 'bad-model-file' && error.details?.file === undefined) {
      throw modelFileError(String(error.details?.reason), error.details?.problem as Problem, file);
    }
    throw error;
  }
}
