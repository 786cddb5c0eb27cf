import type { Dtype } from '../../protocol/messages';

/** The adapter (config.json model_type) a model loads through. */
export type ModelFamily =
  | 'llava'
  | 'llava_onevision'
  | 'idefics3'
  | 'smolvlm'
  | 'gemma3'
  | 'paligemma'
  | 'moondream1'
  | 'lfm2_vl'
  | 'qwen2_vl'
  | 'qwen2_5_vl';

/** A download size in MB; `estimated` when the sources gave only part of the files. */
export interface DownloadSize {
  readonly mb: number;
  readonly estimated: boolean;
}

export interface CatalogEntry {
  readonly id: string;
  readonly label: string;
  /** 'site': served by this site under models/{id}/, works offline; 'hub': downloaded from the Hugging Face Hub. */
  readonly location: 'site' | 'hub';
  readonly dtypes: readonly Dtype[];
  /** Random weights: the captions mean nothing, only the machinery is real. */
  readonly synthetic: boolean;
  readonly notice?: string;
  readonly family?: ModelFamily;
  /** Whether the vision encoder has a CLS token; without one DAMRO's outlier score can only be adapted. */
  readonly hasCls?: boolean;
  /** vision encoder + token embeddings + decoder, per dtype. */
  readonly download?: Partial<Record<Dtype, DownloadSize>>;
  /** Where the sizes come from. */
  readonly sizesSource?: string;
}

export const SYNTHETIC_NOTICE =
  'Synthetic model with random weights: captions are meaningless. Load a real model for real captions.';

/** Shown wherever a model without a CLS token is chosen, loaded or exported (the scorers' own labels start with it). */
export const ADAPTED_SCORE_NOTICE = 'adapted outlier score: this encoder has no CLS token';

// The listings are recorded in src/engine/browser-stack.md §1.3.
const SIZES_SOURCE = 'the Hub file listings of 2026-11-28; "≈" sums include estimated files';
const SIZES_SOURCE_DEC_06 = 'the Hub file listings of 2026-12-06; "≈" sums include estimated files';
const exact = (mb: number): DownloadSize => ({ mb, estimated: false });
const about = (mb: number): DownloadSize => ({ mb, estimated: true });

/**
 * Models known to work, the embedded demos first. Any other id is treated as a Hub model id. The Hub entries
 * are the small LVLMs with ready transformers.js exports (src/engine/browser-stack.md §1.4); none has a CLS token.
 */
export const MODEL_CATALOG: readonly CatalogEntry[] = [
  {
    id: 'synthetic-llava-tiny',
    label: 'Synthetic LLaVA, tiny (built in, random weights)',
    location: 'site',
    dtypes: ['fp32', 'q4', 'q4f16'],
    synthetic: true,
    notice: SYNTHETIC_NOTICE,
    family: 'llava',
    hasCls: true,
  },
  {
    id: 'synthetic-smolvlm-tiny',
    label: 'Synthetic SmolVLM, tiny (built in, random weights, no CLS)',
    location: 'site',
    dtypes: ['fp32'],
    synthetic: true,
    notice: SYNTHETIC_NOTICE,
    family: 'idefics3',
    hasCls: false,
  },
  {
    id: 'synthetic-llava-gqa-tiny',
    label: 'Synthetic LLaVA, tiny, fused GroupQueryAttention decoder (built in, random weights)',
    location: 'site',
    dtypes: ['fp32'],
    synthetic: true,
    notice: SYNTHETIC_NOTICE,
    family: 'llava',
    hasCls: true,
  },
  {
    id: 'synthetic-gemma3-tiny',
    label: 'Synthetic Gemma 3, tiny (built in, random weights, no CLS, pooled image tokens)',
    location: 'site',
    dtypes: ['fp32'],
    synthetic: true,
    notice: SYNTHETIC_NOTICE,
    family: 'gemma3',
    hasCls: false,
  },
  {
    id: 'synthetic-paligemma-tiny',
    label: 'Synthetic PaliGemma 2, tiny (built in, random weights, no CLS, task prompts)',
    location: 'site',
    dtypes: ['fp32'],
    synthetic: true,
    notice: SYNTHETIC_NOTICE,
    family: 'paligemma',
    hasCls: false,
  },
  {
    id: 'synthetic-moondream-tiny',
    label: 'Synthetic Moondream 2, tiny (built in, random weights, no CLS, Phi decoder, no chat template)',
    location: 'site',
    dtypes: ['fp32'],
    synthetic: true,
    notice: SYNTHETIC_NOTICE,
    family: 'moondream1',
    hasCls: false,
  },
  {
    id: 'synthetic-lfm2vl-tiny',
    label: 'Synthetic LFM2-VL, tiny (built in, random weights, no CLS, hybrid convolution decoder)',
    location: 'site',
    dtypes: ['fp32'],
    synthetic: true,
    notice: SYNTHETIC_NOTICE,
    family: 'lfm2_vl',
    hasCls: false,
  },
  {
    id: 'synthetic-qwen2vl-tiny',
    label: 'Synthetic Qwen2-VL, tiny (built in, random weights, no CLS, token grid sized per image, M-RoPE)',
    location: 'site',
    dtypes: ['fp32'],
    synthetic: true,
    notice: SYNTHETIC_NOTICE,
    family: 'qwen2_vl',
    hasCls: false,
  },
  {
    id: 'synthetic-qwen25vl-tiny',
    label: 'Synthetic Qwen2.5-VL, tiny (built in, random weights, no CLS, windowed tower, token grid sized per image)',
    location: 'site',
    dtypes: ['fp32'],
    synthetic: true,
    notice: SYNTHETIC_NOTICE,
    family: 'qwen2_5_vl',
    hasCls: false,
  },
  {
    id: 'HuggingFaceTB/SmolVLM-256M-Instruct',
    label: 'SmolVLM 256M Instruct (Hub, smallest real model)',
    location: 'hub',
    dtypes: ['q4f16', 'fp16', 'q4', 'fp32'],
    synthetic: false,
    family: 'idefics3',
    hasCls: false,
    // q4f16: decoder 77.4 + embed_tokens fp16 56.8 + vision 55; fp16: 271 + 56.8 + 187. q4 and fp32 vision files
    // were not listed: q4 ≈ decoder 86.9 + embed 114 + vision ≈ 60, fp32 ≈ 541 + 114 + ≈ 374.
    download: { q4f16: exact(190), fp16: exact(515), q4: about(260), fp32: about(1030) },
    sizesSource: SIZES_SOURCE,
  },
  {
    id: 'HuggingFaceTB/SmolVLM-500M-Instruct',
    label: 'SmolVLM 500M Instruct (Hub)',
    location: 'hub',
    dtypes: ['q4f16', 'q4'],
    synthetic: false,
    family: 'idefics3',
    hasCls: false,
    download: { q4f16: about(350), q4: about(450) },
    sizesSource: SIZES_SOURCE,
  },
  {
    id: 'llava-hf/llava-interleave-qwen-0.5b-hf',
    label: 'LLaVA-Interleave Qwen 0.5B (Hub, SigLIP)',
    location: 'hub',
    dtypes: ['q4f16', 'q4'],
    synthetic: false,
    family: 'llava',
    hasCls: false,
    // Decoder q4f16 270 + embed fp16 311 were listed; the SigLIP-so400m vision file was not.
    download: { q4f16: about(900), q4: about(1000) },
    sizesSource: SIZES_SOURCE,
  },
  {
    id: 'llava-hf/llava-onevision-qwen2-0.5b-ov-hf',
    label: 'LLaVA-OneVision Qwen2 0.5B (Hub, SigLIP, base crop)',
    location: 'hub',
    dtypes: ['q4f16', 'q4', 'fp16'],
    synthetic: false,
    family: 'llava_onevision',
    hasCls: false,
    // Decoder q4f16 287 / q4 327 / fp16 997, embed fp16 272 / fp32 545; vision ≈ 400M parameters, size not listed.
    download: { q4f16: about(900), q4: about(1000), fp16: about(2000) },
    sizesSource: SIZES_SOURCE,
  },
  {
    id: 'Xenova/moondream2',
    label: 'Moondream 2 (Hub, SigLIP, adapted score read at the last tower layer)',
    location: 'hub',
    dtypes: ['q4f16', 'q4', 'fp16'],
    synthetic: false,
    family: 'moondream1',
    hasCls: false,
    // Files of the "Upload optimized vision/embedding models" commit (ef551da), in MB. q4f16: decoder 740 +
    // embed_tokens 210 + vision 255 (the same files in the GQA revision refs/pr/9). q4: decoder 823 + embed 419 +
    // vision ≈ 280 (its size at the earlier commit 47d7781; ef551da re-uploaded it, size not seen). fp16: decoder
    // 555 + external data 2070 + embed 210 + vision 898 = 3733, but the GQA revision lists its decoder as 547 + 2080
    // and which one main serves was not confirmed. fp32 (decoder data alone 5.25 GB) is left out.
    download: { q4f16: exact(1205), q4: about(1520), fp16: about(3730) },
    sizesSource: SIZES_SOURCE_DEC_06,
  },
];

/** The default real model: the smallest that works well (src/engine/browser-stack.md §8.1). */
export const DEFAULT_REAL_MODEL = 'HuggingFaceTB/SmolVLM-256M-Instruct';

/** The built-in model offered when a Hub model cannot be downloaded: served by the site itself, always there. */
export const DEMO_MODEL = 'synthetic-llava-tiny';

export function catalogEntry(modelId: string): CatalogEntry | undefined {
  return MODEL_CATALOG.find((entry) => entry.id === modelId);
}

/** "190 MB" or "≈ 1.0 GB" for a catalogue size. */
export function formatDownload(size: DownloadSize): string {
  const text = size.mb >= 1000 ? `${(size.mb / 1000).toFixed(1)} GB` : `${Math.round(size.mb)} MB`;
  return size.estimated ? `≈ ${text}` : text;
}
