// The only module that imports @huggingface/transformers (processors, tokenizers, Hub cache).
// ./ort must be evaluated first so transformers.js finds the wasm location already set.
import './ort';
import {
  AutoModelForObjectDetection,
  AutoProcessor,
  AutoTokenizer,
  env,
  ObjectDetectionPipeline,
  Processor,
  RawImage,
} from '@huggingface/transformers';

export const transformersVersion: string = env.version;

export { RawImage };
export type { Processor };

export interface HubSettings {
  /** Where models served by this site (or a folder in Node) live; `undefined` disables local models. */
  readonly localModelPath?: string;
  readonly allowRemoteModels: boolean;
  /** A model folder at any http(s) base URL (a self-hosted mirror, a folder served locally) instead of the Hub. */
  readonly baseUrl?: string;
  /** Answers transformers.js's requests instead of the network (a folder opened from disk); nothing is cached. */
  readonly fetch?: typeof fetch;
}

const HUB = {
  host: env.remoteHost,
  pathTemplate: env.remotePathTemplate,
  fetch: env.fetch,
  useBrowserCache: env.useBrowserCache,
};

export function configureHub(settings: HubSettings): void {
  env.allowLocalModels = settings.localModelPath !== undefined;
  if (settings.localModelPath !== undefined) env.localModelPath = settings.localModelPath;
  env.allowRemoteModels = settings.allowRemoteModels;
  // transformers.js joins remoteHost, remotePathTemplate and the file name with '/'; a template of '.' (no {model})
  // points every model id at the one folder, and URL parsing drops the '.' segment.
  env.remoteHost = settings.baseUrl === undefined ? HUB.host : settings.baseUrl.replace(/\/+$/, '');
  env.remotePathTemplate = settings.baseUrl === undefined ? HUB.pathTemplate : '.';
  env.fetch = settings.fetch ?? HUB.fetch;
  env.useBrowserCache = settings.fetch === undefined && HUB.useBrowserCache;
}

/**
 * The model id transformers.js is given for a base-URL model. Any valid Hub-style id reaches the URL, but
 * transformers.js memoizes file lookups by model id and file name, so each URL gets its own id.
 */
export function baseUrlModelId(baseUrl: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < baseUrl.length; i++) hash = Math.imul(hash ^ baseUrl.charCodeAt(i), 0x01000193) >>> 0;
  return `base-url/${hash.toString(16).padStart(8, '0')}`;
}

/** The Hub URL of a model's folder, the way transformers.js builds it (so both share one browser cache). */
export function hubFolderUrl(modelId: string, revision = 'main'): string {
  return `${env.remoteHost}${env.remotePathTemplate.replaceAll('{model}', modelId).replaceAll('{revision}', encodeURIComponent(revision))}`;
}

export const hubCacheName = (): string => env.cacheKey;

export async function loadProcessor(modelId: string): Promise<Processor> {
  const processor = await AutoProcessor.from_pretrained(modelId);
  if (processor.tokenizer) return processor;
  // An image processor alone (Moondream 2 names a SiglipProcessor, which transformers.js does not have): the
  // tokenizer is loaded beside it, as that model's own example does.
  const tokenizer = await AutoTokenizer.from_pretrained(modelId);
  return new Processor(processor.config, { ...processor.components, tokenizer }, null);
}

// The model classes, for loading a model folder in Node tests and tools (model_type "llava", "llava_onevision",
// "idefics3", "gemma3", "paligemma", "moondream1", "lfm2_vl", "qwen2_vl", "qwen2_5_vl"), and the auto classes whose
// mappings list every image-text family transformers.js runs.
export {
  AutoModelForImageTextToText,
  AutoModelForVision2Seq,
  AutoProcessor,
  Gemma3ForConditionalGeneration,
  Idefics3ForConditionalGeneration,
  Lfm2VlForConditionalGeneration,
  LlavaForConditionalGeneration,
  LlavaOnevisionForConditionalGeneration,
  Moondream1ForConditionalGeneration,
  PaliGemmaForConditionalGeneration,
  Qwen2VLForConditionalGeneration,
  Qwen2_5_VLForConditionalGeneration,
} from '@huggingface/transformers';

/** One detection as the object-detection pipeline reports it, with the box as fractions of the image. */
export interface PipelineDetection {
  readonly label: string;
  readonly score: number;
  readonly box: { readonly xmin: number; readonly ymin: number; readonly xmax: number; readonly ymax: number };
}

export interface ObjectDetectionModel {
  /** Whether the folder is one of our generated models (its config says so). */
  readonly synthetic: boolean;
  detect(image: RawImage, threshold: number): Promise<PipelineDetection[]>;
  dispose(): Promise<void>;
}

/**
 * A COCO detector (DETR, YOLOS) run by transformers.js's ObjectDetectionPipeline, fp32 (detectors are small
 * and quantised DETR heads lose boxes). The pipeline is assembled from its processor and model rather than by
 * pipeline(), which probes for tokenizer files a detector does not have (and a static host may answer such a
 * probe with its index page). `device` undefined lets transformers.js pick (Node: its CPU runtime).
 */
export async function loadObjectDetection(
  modelId: string,
  device: 'webgpu' | 'wasm' | undefined,
): Promise<ObjectDetectionModel> {
  const [processor, model] = await Promise.all([
    AutoProcessor.from_pretrained(modelId),
    AutoModelForObjectDetection.from_pretrained(modelId, { dtype: 'fp32', ...(device ? { device } : {}) }),
  ]);
  const detector = new ObjectDetectionPipeline({ task: 'object-detection', model, processor });
  const config = model.config as unknown as Record<string, unknown>;
  return {
    synthetic: 'damro_lens_synthetic' in config,
    // Percentages, not the pipeline's truncated integer pixels, so the caller can map boxes exactly.
    detect: async (image, threshold) => (await detector(image, { threshold, percentage: true })) as PipelineDetection[],
    dispose: () => detector.dispose(),
  };
}
