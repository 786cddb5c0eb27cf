// Runs each decoder row as its own batch-of-one runner, for decoders that cannot mask left padding (GroupQueryAttention
// takes only prefix lengths, src/engine/browser-stack.md §3): the baseline and DAMRO rows then cost one decoder call
// each per step instead of one shared call. A finished row (`null`) is not run again.
import type { DecoderRunner, RowSpec, StepOutput } from './runner';

export class RowwiseRunner implements DecoderRunner {
  private runners: DecoderRunner[] = [];
  private last: StepOutput = { logits: [], attention: [], text: [] };

  constructor(private readonly makeRunner: () => DecoderRunner) {}

  async prefill(rows: readonly RowSpec[]): Promise<StepOutput> {
    await this.dispose();
    this.runners = rows.map(() => this.makeRunner());
    const outputs: StepOutput[] = [];
    for (const [i, runner] of this.runners.entries()) outputs.push(await runner.prefill([rows[i]!]));
    return this.collect(outputs);
  }

  async step(tokens: readonly (number | null)[]): Promise<StepOutput> {
    const outputs: StepOutput[] = [];
    for (const [i, runner] of this.runners.entries()) {
      const token = tokens[i];
      // A finished row's previous output stands in; the decode loop does not read it.
      outputs.push(
        token === null || token === undefined
          ? { logits: [this.last.logits[i]!], attention: [undefined], text: [undefined] }
          : await runner.step([token]),
      );
    }
    return this.collect(outputs);
  }

  private collect(outputs: readonly StepOutput[]): StepOutput {
    this.last = {
      logits: outputs.map((o) => o.logits[0]!),
      attention: outputs.map((o) => o.attention[0]),
      text: outputs.map((o) => o.text?.[0]),
    };
    return this.last;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.dispose()));
    this.runners = [];
  }
}
