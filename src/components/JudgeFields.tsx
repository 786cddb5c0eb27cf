import { useState } from 'react';
import { evalFormChanged } from '../state/eval-actions';
import type { EvalController } from '../controllers/eval-controller';
import type { JudgeConsent } from '../state/eval-state';
import { useLens } from '../state/store';

/**
 * The GPT-4V-aided judge: any OpenAI-compatible endpoint that takes images; the key stays in memory unless remembered.
 */
export function JudgeFields({ controller, running }: { controller: EvalController; running: boolean }) {
  const judge = useLens((s) => s.evaluation.form.judge);
  const [{ key, remembered }, setKey] = useState(() => controller.judgeKey());
  const change = (next: { key: string; remembered: boolean }) => {
    setKey(next);
    controller.setJudgeKey(next.key, next.remembered);
  };
  const set = (patch: Partial<typeof judge>) => evalFormChanged({ judge: { ...judge, ...patch } });
  return (
    <fieldset className="eval__judge" disabled={running}>
      <legend>Judge (OpenAI-compatible chat completions with image input)</legend>
      <div className="row">
        <label>
          Judge base URL
          <input
            type="url"
            placeholder="https://api.openai.com/v1"
            value={judge.baseUrl}
            onChange={(e) => set({ baseUrl: e.target.value })}
          />
        </label>
        <label>
          Judge model
          <input
            type="text"
            placeholder="gpt-4o"
            value={judge.model}
            onChange={(e) => set({ model: e.target.value })}
          />
        </label>
        <label>
          Judge requests at once
          <input
            type="number"
            min={1}
            max={16}
            step={1}
            value={judge.concurrency}
            onChange={(e) => set({ concurrency: Math.max(1, Math.floor(Number(e.target.value))) })}
          />
        </label>
      </div>
      <div className="row">
        <label>
          API key
          <input
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={key}
            onChange={(e) => change({ key: e.target.value, remembered })}
          />
        </label>
        <label>
          <input type="checkbox" checked={remembered} onChange={(e) => change({ key, remembered: e.target.checked })} />
          Remember the key on this device
        </label>
      </div>
      <p className="panel__hint">
        A local server (llama.cpp, Ollama) works the same way and needs no key. The images and both answers of each item
        are sent to this endpoint only after you agree; nothing else leaves this device.
      </p>
    </fieldset>
  );
}

/** Asks before the first request of a run goes to an endpoint: where, what and how many. */
export function JudgeConsentDialog({
  consent,
  onAnswer,
}: {
  consent: JudgeConsent;
  onAnswer: (agreed: boolean) => void;
}) {
  return (
    <div
      className="notice eval__consent"
      role="alertdialog"
      aria-label="Send images to the judge?"
      aria-describedby="judge-consent-text"
    >
      <p id="judge-consent-text">
        {`This run will send ${consent.requests} request${consent.requests === 1 ? '' : 's'} to ${consent.url} (model ${consent.model}). Each carries one of ${consent.images} image${consent.images === 1 ? '' : 's'} from your folder and the two answers to judge; an answer the judge does not format as asked is asked again, up to 5 times per item. Nothing has been sent yet, and nothing else leaves this device.`}
      </p>
      <div className="row">
        <button type="button" className="button" onClick={() => onAnswer(true)}>
          Send to the judge
        </button>
        <button type="button" className="button" onClick={() => onAnswer(false)}>
          Don&apos;t send
        </button>
      </div>
    </div>
  );
}
