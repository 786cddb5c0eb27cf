import { useLens } from '../state/store';
import { useLensController } from './LensContext';

/** Shown when the inference worker has had work but sent nothing for too long; offers a fresh worker. */
export function WorkerStall() {
  const lens = useLensController();
  const silentForMs = useLens((s) => s.engine.silentForMs);
  if (silentForMs === undefined) return null;
  return (
    <div className="notice notice--error" role="alert" data-testid="worker-stall">
      <strong>The inference worker has not answered for {Math.round(silentForMs / 1000)} s.</strong> It may be stuck (a
      browser or GPU problem) or on an unusually long step. Restarting it stops the current work and loads the model
      again.{' '}
      <button type="button" className="button" onClick={() => void lens.restartEngine()}>
        Restart the worker
      </button>
    </div>
  );
}
