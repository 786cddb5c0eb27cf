import { useEffect, useState } from 'react';
import { formatDuration } from '../core/eval/progress';
import type { Progress } from '../core/eval/progress';
import type { EvalSlice } from '../state/eval-state';

/**
 * A sign of life while a benchmark runs: which question is being answered, the time since Start ticking every
 * second, and the answer's tokens as they stream with the rate since Start, so a slow first answer (long answers on
 * a model that rarely stops) does not look frozen.
 */
export function EvalClock({
  progress,
  streaming,
}: {
  progress: Progress | undefined;
  streaming: EvalSlice['streaming'];
}) {
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
  const seconds = (now - startedAt) / 1000;
  return (
    <>
      <p className="panel__hint" data-testid="eval-clock" role="timer">
        Working: {working} · {formatDuration(now - startedAt)} since Start{rate}
      </p>
      {streaming && (
        <p className="panel__hint" data-testid="eval-tokens">
          {`Question ${streaming.question}: ${streaming.questionTokens} token${streaming.questionTokens === 1 ? '' : 's'} so far (both captions) · ${streaming.tokens} since Start, ${seconds > 0 ? (streaming.tokens / seconds).toFixed(1) : '…'} tokens/s`}
        </p>
      )}
    </>
  );
}
