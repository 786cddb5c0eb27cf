// The page as the benchmark panel's tests render it: the App over a scripted worker client, a WebAssembly engine
// reported ready, and a benchmark controller that keeps answers, verdicts and the judge's key in memory and reads
// the question lists this repository serves (public/data/).
import { render } from '@testing-library/react';
import { App } from '../../src/app/App';
import type { EngineClient } from '../../src/client/engine-client';
import { memoryAnswers, type AnswerStorage } from '../../src/client/eval-storage';
import { memoryKeyStore } from '../../src/client/judge-key-store';
import { EvalContext } from '../../src/components/EvalContext';
import { createEvalController } from '../../src/controllers/eval-controller';
import { createLensController } from '../../src/controllers/lens-controller';
import type { Outputs } from '../../src/core/eval/answers';
import type { Judgement } from '../../src/core/eval/judge';
import { engineReady } from '../../src/state/actions';
import { repoData } from '../support/repo-data';
import { TEST_READER } from './fake-engine';

/** `lensClient`: the visualiser's client, when it is not the benchmark controller's. */
export function renderBenchmarkApp(
  client: EngineClient,
  {
    storage = memoryAnswers<Outputs>(),
    judgements = memoryAnswers<Judgement>(),
    lensClient = client,
  }: { storage?: AnswerStorage<Outputs>; judgements?: AnswerStorage<Judgement>; lensClient?: EngineClient } = {},
): void {
  const evaluation = createEvalController({
    client,
    storage,
    judgements,
    keys: memoryKeyStore(),
    fetchServed: async (path) => repoData(path),
    chairContext: async () => undefined,
  });
  engineReady({
    backend: 'wasm',
    fallbackReason: 'No WebGPU in tests.',
    crossOriginIsolated: true,
    ortVersion: 't',
    transformersVersion: 't',
  });
  render(
    <EvalContext.Provider value={evaluation}>
      <App lens={createLensController(lensClient, TEST_READER)} />
    </EvalContext.Provider>,
  );
}
