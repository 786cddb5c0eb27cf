import { useEffect, useState } from 'react';
import { formatDuration } from '../core/eval/progress';
import type { Progress } from '../core/eval/progress';

/**
 * A sign of life while a benchmark runs: which question is being answered and the time since Start, ticking
 * every second, so a slow first answer (long answers on a model that rarely stops) does not look frozen.
 */
export function EvalClock({ progress }: { progress: Progress | undefined }) {
  const [startedAt] = useState(() => Date.now());
  const [now, setNow] = useState(startedAt);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const working =
    progress && progress.done < progress.total
      ? `answering question ${progress.done + 1} of ${progress.total}`
      : 'preparing the questions';
  const rate =
    progress?.msPerItem !== undefined
      ? ` · ${formatDuration(progress.msPerItem)} per question`
      : ' · time left shown after the first answer';
  return (
    <p className="panel__hint" data-testid="eval-clock" role="timer">
      Working: {working} · {formatDuration(now - startedAt)} since Start{rate}
    </p>
  );
}
