// Progress and time left. The rate counts only this session's work (a resumed run's earlier answers took no
// time now), measured per question since the session started.

export interface ProgressInput {
  readonly total: number;
  /** Answered, earlier sessions included. */
  readonly done: number;
  /** Answered when this session started. */
  readonly doneAtStart: number;
  readonly startedAt: number;
  readonly now: number;
}

export interface Progress {
  readonly total: number;
  readonly done: number;
  readonly fraction: number;
  /** Milliseconds per question in this session; undefined before the first answer. */
  readonly msPerItem?: number;
  /** Estimated milliseconds left; undefined until the rate is known. */
  readonly etaMs?: number;
}

export function progressOf({ total, done, doneAtStart, startedAt, now }: ProgressInput): Progress {
  const fraction = total === 0 ? 1 : done / total;
  const thisSession = done - doneAtStart;
  if (thisSession <= 0) return { total, done, fraction };
  const msPerItem = (now - startedAt) / thisSession;
  return { total, done, fraction, msPerItem, etaMs: msPerItem * (total - done) };
}

/**
 * Reports a run's progress now and after each `advance(count)`: `total` items, of which all but `pending` were done
 * before this session started.
 */
export function reportProgress(
  total: number,
  pending: number,
  now: () => number,
  onProgress: ((progress: Progress) => void) | undefined,
): (count: number) => void {
  const doneAtStart = total - pending;
  let done = doneAtStart;
  const startedAt = now();
  const report = () => onProgress?.(progressOf({ total, done, doneAtStart, startedAt, now: now() }));
  report();
  return (count) => {
    done += count;
    report();
  };
}

/** "1 h 05 min", "3 min 20 s", "12 s". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
