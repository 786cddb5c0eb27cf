// The one place that decides when ORT may be used. Every ORT job of the worker (model loads, captioning runs,
// benchmark answers, detections) runs through one lane, one job at a time: ORT's wasm heap and its WebGPU
// buffer manager are shared by every session in the worker, and two jobs inside them at once corrupted memory
// ("memory access out of bounds") or failed a GPU download mid-run. An ORT call cannot be interrupted, so
// cancelling only aborts a job's signal: a queued job then ends as soon as it starts, a running one at its next
// check, and the next job still waits for it to end.

export type JobKind = 'load' | 'run' | 'eval' | 'detect';

export interface LaneJob<T> {
  readonly kind: JobKind;
  /** The run id (runs) or job id (benchmark calls) the caller cancels by. */
  readonly tag?: number;
  readonly result: Promise<T>;
  /** Settles, never rejects, when the job has ended and the lane has moved on. */
  readonly settled: Promise<void>;
}

interface Entry {
  readonly job: LaneJob<unknown>;
  readonly controller: AbortController;
}

export class OrtLane {
  private tail: Promise<void> = Promise.resolve();
  private readonly entries = new Set<Entry>();

  /** Queues `work`; it starts once every job queued before it has ended. */
  enqueue<T>(kind: JobKind, work: (signal: AbortSignal) => Promise<T>, tag?: number): LaneJob<T> {
    const controller = new AbortController();
    const result = this.tail.then(() => work(controller.signal));
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    const job: LaneJob<T> = { kind, tag, result, settled };
    const entry: Entry = { job, controller };
    this.entries.add(entry);
    this.tail = settled.then(() => {
      this.entries.delete(entry);
    });
    return job;
  }

  /** Aborts every queued or running job that matches; settles when all of them have ended. */
  cancel(matches: (job: LaneJob<unknown>) => boolean): Promise<void> {
    const hit = [...this.entries].filter((entry) => matches(entry.job));
    for (const entry of hit) entry.controller.abort();
    return Promise.all(hit.map((entry) => entry.job.settled)).then(() => undefined);
  }

  /** True while a job that matches is queued or running. */
  has(matches: (job: LaneJob<unknown>) => boolean): boolean {
    return [...this.entries].some((entry) => matches(entry.job));
  }
}
