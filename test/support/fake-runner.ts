import type { DecoderRunner, RowSpec, StepOutput } from '../../src/engine/decode/runner';

/** Logits for one row, given the row's prefill spec and the tokens fed to it so far. */
export type LogitsFn = (row: RowSpec, fed: readonly number[]) => ArrayLike<number>;

/**
 * A deterministic DecoderRunner for loop tests: logits come from a function of each row's history, attention
 * is a recognisable constant per (row, step), and every call is recorded.
 */
export class FakeRunner implements DecoderRunner {
  readonly calls: Array<{ kind: 'prefill'; rows: number } | { kind: 'step'; tokens: readonly (number | null)[] }> = [];
  private rows: readonly RowSpec[] = [];
  private fed: number[][] = [];
  disposed = false;

  constructor(
    private readonly logits: LogitsFn,
    private readonly attentionSize = 0,
  ) {}

  private output(): StepOutput {
    return {
      logits: this.rows.map((row, i) => Float32Array.from(this.logits(row, this.fed[i]))),
      attention: this.rows.map((row, i) =>
        row.imageSpan && this.attentionSize
          ? new Float32Array(this.attentionSize).fill(i * 1000 + this.fed[i].length)
          : undefined,
      ),
    };
  }

  async prefill(rows: readonly RowSpec[]): Promise<StepOutput> {
    this.calls.push({ kind: 'prefill', rows: rows.length });
    this.rows = rows;
    this.fed = rows.map(() => []);
    return this.output();
  }

  async step(tokens: readonly (number | null)[]): Promise<StepOutput> {
    this.calls.push({ kind: 'step', tokens: [...tokens] });
    tokens.forEach((token, i) => {
      if (token !== null) this.fed[i].push(token);
    });
    return this.output();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

/** A row spec whose embedding values identify it (first value = tag). */
export function taggedRow(tag: number, length: number, image?: { start: number; length: number }): RowSpec {
  const embeds = new Float32Array(length).fill(tag);
  return { embeds, length, imageSpan: image };
}
