// For decoders without an attention_mask input (PaliGemma's exports attend to every key of a call): padding cannot
// be hidden from them, so only rows of one length share a batch. The rows are grouped by prompt length, and each
// group is one unpadded batched runner: the baseline and DAMRO's full row (one prompt) stay one call per step, the
// shorter outlier row is a second call — two decoder calls per step instead of one.
import type { DecoderRunner, RowSpec, StepOutput } from './runner';

interface Group {
  /** The rows' indices in the caller's row order. */
  readonly rows: readonly number[];
  readonly runner: DecoderRunner;
  /** The group's last outputs, kept for its rows once all of them have finished (their outputs are never read). */
  last?: StepOutput;
}

export class LengthGroupedRunner implements DecoderRunner {
  private groups: Group[] = [];
  private rowCount = 0;

  constructor(private readonly open: () => DecoderRunner) {}

  async prefill(rows: readonly RowSpec[]): Promise<StepOutput> {
    await this.dispose();
    this.rowCount = rows.length;
    const lengths = [...new Set(rows.map((row) => row.length))];
    this.groups = lengths.map((length) => ({
      rows: rows.flatMap((row, r) => (row.length === length ? [r] : [])),
      runner: this.open(),
    }));
    for (const group of this.groups) group.last = await group.runner.prefill(group.rows.map((r) => rows[r]!));
    return this.gather();
  }

  async step(tokens: readonly (number | null)[]): Promise<StepOutput> {
    for (const group of this.groups) {
      const fed = group.rows.map((r) => tokens[r]!);
      // A finished row never comes back: a group whose rows have all finished is not run again.
      if (fed.some((token) => token !== null)) group.last = await group.runner.step(fed);
    }
    return this.gather();
  }

  private gather(): StepOutput {
    const logits: Float32Array[] = new Array(this.rowCount);
    const attention: (Float32Array | undefined)[] = new Array(this.rowCount);
    const text: (Float32Array | undefined)[] = new Array(this.rowCount);
    for (const { rows, last } of this.groups) {
      rows.forEach((r, i) => {
        logits[r] = last!.logits[i]!;
        attention[r] = last!.attention[i];
        text[r] = last!.text?.[i];
      });
    }
    return { logits, attention, text };
  }

  async dispose(): Promise<void> {
    await Promise.all(this.groups.map((group) => group.runner.dispose()));
    this.groups = [];
  }
}
