import { useEffect, type ChangeEvent } from 'react';
import type { PickedFile } from '../controllers/eval-controller';
import { BENCHMARKS, type BenchmarkName } from '../core/eval/benchmarks';
import { paperPreset } from '../core/eval/presets';
import { METHODS } from '../core/methods/registry';
import { positionLimitNote } from '../core/eval/position-limit';
import { formatDuration } from '../core/eval/progress';
import { evalFormChanged } from '../state/eval-actions';
import { useLens } from '../state/store';
import { useEvalController } from './EvalContext';
import { ErrorNotice } from './ErrorNotice';
import { EvalClock } from './EvalClock';
import { EvalResults } from './EvalResults';
import { HallucinationEvidence } from './HallucinationEvidence';
import { JudgeConsentDialog, JudgeFields } from './JudgeFields';

const RUNNING = new Set(['preparing', 'consent', 'running', 'judging', 'pausing']);

function pickedFiles(list: FileList): PickedFile[] {
  return Array.from(list, (file) => ({ path: file.webkitRelativePath || file.name, file }));
}

/** Benchmarks over a folder of images: POPE, CHAIR and MME with the paper's settings or your own. */
export function EvalPanel() {
  const controller = useEvalController();
  const evaluation = useLens((s) => s.evaluation);
  const modelReady = useLens((s) => s.model.phase === 'ready');
  const modelId = useLens((s) => s.model.info?.id);
  const modelInfo = useLens((s) => s.model.info);
  const dtype = useLens((s) => s.settings.dtype);
  const methods = useLens((s) => s.settings.methods);
  const methodParams = useLens((s) => s.settings.methodParams);
  const { form, phase, progress, folder, kept } = evaluation;
  useEffect(() => {
    void controller?.checkKept();
  }, [controller, form, modelId, dtype, methods, methodParams]);
  if (!controller) return null;
  const running = RUNNING.has(phase);
  const settings = form.preset === 'paper' ? paperPreset(form.benchmark).settings : form.custom;
  const limitNote =
    modelInfo &&
    positionLimitNote(
      settings.maxNewTokens,
      modelInfo.decoder.maxPositions,
      modelInfo.tokenGrid.rows * modelInfo.tokenGrid.cols,
    );
  const custom = (patch: Partial<typeof form.custom>) => evalFormChanged({ custom: { ...form.custom, ...patch } });
  const damro = (patch: Partial<typeof form.custom.damro>) => custom({ damro: { ...form.custom.damro, ...patch } });
  const onFolder = (event: ChangeEvent<HTMLInputElement>) => {
    const files = event.target.files;
    if (!files?.length) return;
    const list = pickedFiles(files);
    controller.chooseFolder(list[0].path.split('/')[0] || 'folder', list);
  };

  return (
    <section className="panel eval" aria-label="Benchmarks">
      <h2>Benchmarks</h2>
      <div className="row">
        <label>
          Benchmark
          <select
            value={form.benchmark}
            disabled={running}
            onChange={(e) => {
              const benchmark = e.target.value as BenchmarkName;
              evalFormChanged({
                benchmark,
                split: BENCHMARKS[benchmark].splits[0],
                custom: paperPreset(benchmark).settings,
              });
            }}
          >
            {Object.values(BENCHMARKS).map((b) => (
              <option key={b.name} value={b.name}>
                {b.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Split
          <select value={form.split} disabled={running} onChange={(e) => evalFormChanged({ split: e.target.value })}>
            {BENCHMARKS[form.benchmark].splits.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Settings
          <select
            value={form.preset}
            disabled={running}
            onChange={(e) => evalFormChanged({ preset: e.target.value as 'paper' | 'custom' })}
          >
            <option value="paper">Paper</option>
            <option value="custom">Custom</option>
          </select>
        </label>
      </div>
      {form.preset === 'paper' ? (
        <p className="panel__hint">{paperPreset(form.benchmark).label}</p>
      ) : (
        <div className="row">
          <label>
            α
            <input
              type="number"
              min={0}
              step={0.1}
              value={settings.damro.alpha}
              disabled={running}
              onChange={(e) => damro({ alpha: Number(e.target.value) })}
            />
          </label>
          <label>
            β
            <input
              type="number"
              min={0}
              max={1}
              step={0.01}
              value={settings.damro.beta}
              disabled={running}
              onChange={(e) => damro({ beta: Number(e.target.value) })}
            />
          </label>
          <label>
            k
            <input
              type="number"
              min={1}
              step={1}
              value={settings.damro.k}
              disabled={running}
              onChange={(e) => damro({ k: Number(e.target.value) })}
            />
          </label>
          <label>
            Decoding
            <select
              value={settings.decoding}
              disabled={running}
              onChange={(e) => custom({ decoding: e.target.value as 'sample' | 'greedy' })}
            >
              <option value="sample">sample (T = 1)</option>
              <option value="greedy">greedy</option>
            </select>
          </label>
          <label>
            Seed
            <input
              type="number"
              step={1}
              value={settings.seed}
              disabled={running}
              onChange={(e) => custom({ seed: Number(e.target.value) })}
            />
          </label>
          <label>
            Max new tokens
            <input
              type="number"
              min={1}
              max={1024}
              step={1}
              value={settings.maxNewTokens}
              disabled={running}
              onChange={(e) => custom({ maxNewTokens: Number(e.target.value) })}
            />
          </label>
        </div>
      )}
      <div className="row">
        <label>
          Questions (0 = all)
          <input
            type="number"
            min={0}
            step={1}
            value={form.limit}
            disabled={running}
            onChange={(e) => evalFormChanged({ limit: Math.max(0, Math.floor(Number(e.target.value))) })}
          />
        </label>
        {form.benchmark === 'pope' && (
          <label>
            Answer rule
            <select
              value={form.popeRule}
              disabled={running}
              onChange={(e) => evalFormChanged({ popeRule: e.target.value as 'damro' | 'official' })}
            >
              <option value="damro">DAMRO/VCD (substring)</option>
              <option value="official">official POPE</option>
            </select>
          </label>
        )}
      </div>
      {form.benchmark === 'gpt4v' && <JudgeFields controller={controller} running={running} />}
      <label>
        Image folder{folder ? `: ${folder.name} (${folder.files} files)` : ''}
        <input
          type="file"
          aria-label="Image folder"
          disabled={running}
          onChange={onFolder}
          {...{ webkitdirectory: '', directory: '' }}
          multiple
        />
      </label>
      <div className="row">
        {phase === 'paused' || phase === 'cancelled' || phase === 'failed' ? (
          <button
            type="button"
            className="button"
            disabled={!modelReady || !folder}
            onClick={() => void controller.start()}
          >
            Resume
          </button>
        ) : (
          <button
            type="button"
            className="button"
            disabled={!modelReady || !folder || running}
            onClick={() => void controller.start()}
          >
            Start
          </button>
        )}
        <button
          type="button"
          className="button"
          disabled={phase !== 'running' && phase !== 'judging'}
          onClick={() => controller.pause()}
        >
          Pause
        </button>
        <button type="button" className="button" disabled={!running} onClick={() => void controller.cancel()}>
          Cancel
        </button>
        <button
          type="button"
          className="button"
          disabled={running || !modelReady}
          onClick={() => void controller.discard()}
        >
          Forget kept answers
        </button>
      </div>
      {!modelReady && <p className="panel__hint">Load a model first.</p>}
      {methods.length > 0 && (
        <p className="panel__hint" data-testid="eval-methods">
          {`Also answered with ${methods.map((m) => METHODS[m].label).join(', ')} (chosen under the captions, at their settings there): one more column each.`}
        </p>
      )}
      {limitNote && (
        <p className="panel__hint" data-testid="eval-position-limit">
          {limitNote}
        </p>
      )}
      {modelReady && !running && kept ? (
        <p
          className="panel__hint"
          data-testid="eval-kept"
        >{`${kept} answer${kept === 1 ? '' : 's'} with these settings kept in this browser: Start asks only the other questions.`}</p>
      ) : null}
      {progress && (
        <p className="panel__status" data-testid="eval-progress">
          <progress max={progress.total} value={progress.done} /> {progress.done}/{progress.total} questions
          {progress.etaMs !== undefined && running ? `, about ${formatDuration(progress.etaMs)} left` : ''} ({phase})
        </p>
      )}
      {phase === 'consent' && evaluation.consent && (
        <JudgeConsentDialog consent={evaluation.consent} onAnswer={(yes) => controller.answerConsent(yes)} />
      )}
      {evaluation.consent && phase !== 'consent' && (
        <p className="panel__status" data-testid="judge-progress">
          {`Judge: ${evaluation.consent.requests} request${evaluation.consent.requests === 1 ? '' : 's'} to ${evaluation.consent.url}`}
          {evaluation.judgeProgress
            ? `; judged ${evaluation.judgeProgress.done}/${evaluation.judgeProgress.total} items`
            : ''}
        </p>
      )}
      {running && <EvalClock progress={progress} streaming={evaluation.streaming} />}
      {evaluation.error && <ErrorNotice error={evaluation.error} fallbackTitle="The benchmark stopped" />}
      <EvalResults />
      <HallucinationEvidence />
    </section>
  );
}
