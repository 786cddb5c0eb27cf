import type { CaptionKind } from '../../protocol/messages';

/**
 * Full per-token attention ([layers, heads, imageTokens] per generated token) kept in the worker so the UI can
 * ask for any layer or head later without it streaming. Bounded by bytes; the oldest tokens go first.
 */
export class AttentionStore {
  private readonly frames = new Map<string, Float32Array>();
  private bytes = 0;

  constructor(private readonly capacityBytes: number) {}

  private static key(runId: number, caption: CaptionKind, step: number): string {
    return `${runId}:${caption}:${step}`;
  }

  put(runId: number, caption: CaptionKind, step: number, frame: Float32Array): void {
    const key = AttentionStore.key(runId, caption, step);
    this.bytes += frame.byteLength - (this.frames.get(key)?.byteLength ?? 0);
    this.frames.delete(key);
    this.frames.set(key, frame);
    for (const [oldest, value] of this.frames) {
      if (this.bytes <= this.capacityBytes) break;
      this.frames.delete(oldest);
      this.bytes -= value.byteLength;
    }
  }

  get(runId: number, caption: CaptionKind, step: number): Float32Array | undefined {
    return this.frames.get(AttentionStore.key(runId, caption, step));
  }

  /** Frees another run's frames; one run's detail is what the UI can still click on. */
  keepOnly(runId: number): void {
    for (const [key, value] of this.frames) {
      if (!key.startsWith(`${runId}:`)) {
        this.frames.delete(key);
        this.bytes -= value.byteLength;
      }
    }
  }

  get size(): number {
    return this.frames.size;
  }
}
