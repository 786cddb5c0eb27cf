// The benchmark loop shared by the site and the CLI: image by image, read the picture, ask the engine every question
// about it, save the answers, report progress. Pause takes effect between images; cancel stops the engine mid-image
// (the caller sends eval/cancel). Answers are saved before they count, so a stopped run resumes where it was.
import { LensError } from '../../protocol/errors';
import type { ItemEvidence } from '../../protocol/evidence';
import type { EvalImageParams, EvalImageResult, ImageInput } from '../../protocol/messages';
import type { Outputs } from './answers';
import type { EvalItem } from './benchmark';
import { imageKeyOf } from './images';
import { groupByImage, pendingItems } from './items';
import { itemSeed, type EvalSettings } from './presets';
import { reportProgress, type Progress } from './progress';

/** The engine as the loop needs it: the worker over its protocol, or the engine in-process. */
export interface EvalEngine {
  answerImage(params: EvalImageParams): Promise<EvalImageResult>;
  cancel(jobId: number): Promise<unknown>;
}

export interface DriverDeps<I extends EvalItem> {
  readonly engine: EvalEngine;
  /** The image at a folder-relative path, as encoded bytes. */
  readonly readImage: (path: string) => Promise<ImageInput>;
  /** Persists answers; they count as done once this resolves. */
  readonly save: (answers: readonly { item: I; outputs: Outputs; evidence?: ItemEvidence }[]) => Promise<void>;
  readonly onProgress?: (progress: Progress) => void;
  readonly now: () => number;
}

export interface DriveOptions<I extends EvalItem> {
  /** Every item of the run (or shard), in list order. */
  readonly items: readonly I[];
  readonly answered: ReadonlySet<string>;
  /** Folder-relative path per image ("folder/image" key), from locateImages. */
  readonly imagePaths: ReadonlyMap<string, string>;
  readonly settings: EvalSettings;
  readonly jobId: number;
  /** Ask the engine for hallucination evidence with every answer (captioning benchmarks). */
  readonly evidence?: boolean;
}

/** Read between images. To stop mid-image, the caller also sends the engine `cancel(jobId)`. */
export interface DriveControl {
  readonly shouldPause: () => boolean;
  readonly isCancelled: () => boolean;
}

export type DriveOutcome = 'complete' | 'paused' | 'cancelled';

export async function driveEval<I extends EvalItem>(
  options: DriveOptions<I>,
  deps: DriverDeps<I>,
  control: DriveControl,
): Promise<DriveOutcome> {
  const { items, settings, jobId } = options;
  const pending = pendingItems(items, options.answered);
  const advance = reportProgress(items.length, pending.length, deps.now, deps.onProgress);
  for (const group of groupByImage(pending)) {
    if (control.isCancelled()) return 'cancelled';
    if (control.shouldPause()) return 'paused';
    const path = options.imagePaths.get(imageKeyOf(group.image, group.folder));
    if (path === undefined)
      throw new LensError(
        'bad-request',
        `The image ${group.image} is not in the chosen folder; choose the folder that holds the benchmark's images.`,
      );
    const image = await deps.readImage(path);
    const result = await deps.engine.answerImage({
      jobId,
      image,
      items: group.items.map((item) => ({
        key: item.key,
        prompt: item.prompt,
        seed: itemSeed(settings.seed, item.key),
      })),
      damro: settings.damro,
      decoding: settings.decoding,
      maxNewTokens: settings.maxNewTokens,
      ...(options.evidence && { evidence: true }),
      ...(settings.methods?.length ? { methods: settings.methods } : {}),
    });
    const byKey = new Map(group.items.map((item) => [item.key, item]));
    await deps.save(
      result.answers.map((answer) => ({
        item: byKey.get(answer.key)!,
        outputs: answer.outputs,
        evidence: answer.evidence,
      })),
    );
    advance(result.answers.length);
    if (result.cancelled) return 'cancelled';
  }
  return 'complete';
}
