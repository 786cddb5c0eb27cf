import type { CaptionKind } from '../../protocol/messages';
import type { PromptText } from '../model';

/** One generated token's full attention: over the image tokens, and over the text keys when the runner read them. */
export interface StoredFrame {
  /** [layers, heads, imageTokens]. */
  readonly image: Float32Array;
  /** [layers, heads, textKeys]: the prompt's text tokens, then the caption's tokens before this one. */
  readonly text?: Float32Array;
}

/**
 * Full per-token attention kept in the worker so the UI can ask for any layer or head later without it streaming.
 * Bounded by bytes; the oldest tokens go first.
 */
export class AttentionStore {
  private readonly frames = new Map<string, StoredFrame>();
  private readonly prompts = new Map<number, PromptText>();
  private bytes = 0;

  constructor(private readonly capacityBytes: number) {}

  private static key(runId: number, caption: CaptionKind, step: number): string {
    return `${runId}:${caption}:${step}`;
  }

  private static sizeOf(frame: StoredFrame | undefined): number {
    return frame ? frame.image.byteLength + (frame.text?.byteLength ?? 0) : 0;
  }

  put(runId: number, caption: CaptionKind, step: number, frame: StoredFrame): void {
    const key = AttentionStore.key(runId, caption, step);
    this.bytes += AttentionStore.sizeOf(frame) - AttentionStore.sizeOf(this.frames.get(key));
    this.frames.delete(key);
    this.frames.set(key, frame);
    for (const [oldest, value] of this.frames) {
      if (this.bytes <= this.capacityBytes) break;
      this.frames.delete(oldest);
      this.bytes -= AttentionStore.sizeOf(value);
    }
  }

  get(runId: number, caption: CaptionKind, step: number): StoredFrame | undefined {
    return this.frames.get(AttentionStore.key(runId, caption, step));
  }

  /** The run's prompt text tokens, which its frames' text attention starts with. */
  putPrompt(runId: number, prompt: PromptText): void {
    this.prompts.set(runId, prompt);
  }

  prompt(runId: number): PromptText | undefined {
    return this.prompts.get(runId);
  }

  /** Frees another run's frames; one run's detail is what the UI can still click on. */
  keepOnly(runId: number): void {
    for (const [key, value] of this.frames) {
      if (!key.startsWith(`${runId}:`)) {
        this.frames.delete(key);
        this.bytes -= AttentionStore.sizeOf(value);
      }
    }
    for (const id of this.prompts.keys()) if (id !== runId) this.prompts.delete(id);
  }

  get size(): number {
    return this.frames.size;
  }
}
