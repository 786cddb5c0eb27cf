import type { LensController } from '../controllers/lens-controller';
import { BackendBadge } from '../components/BackendBadge';
import { CaptionPair } from '../components/CaptionPair';
import { MethodCaptions } from '../components/MethodCaptions';
import { EncoderView } from '../components/EncoderView';
import { EvalPanel } from '../components/EvalPanel';
import { EvidenceView } from '../components/EvidenceView';
import { ExportMenu } from '../components/ExportMenu';
import { GroundTruthChips } from '../components/GroundTruthChips';
import { ImageDrop } from '../components/ImageDrop';
import { LensContext } from '../components/LensContext';
import { ModelPanel } from '../components/ModelPanel';
import { SettingsForm } from '../components/SettingsForm';
import { StepInspector } from '../components/StepInspector';
import { TokenAttentionView } from '../components/TokenAttentionView';
import { WorkerStall } from '../components/WorkerStall';
import { useLens } from '../state/store';

export function App({ lens }: { lens: LensController }) {
  const engine = useLens((state) => state.engine);
  const urlProblems = useLens((state) => state.ui.urlProblems);
  const hasRun = useLens((state) => state.run.phase !== 'idle');
  return (
    <LensContext.Provider value={lens}>
      <div className="app">
        <header className="app__header">
          <h1>DAMRO Lens</h1>
          <p className="app__tagline">
            See, and reduce, object hallucination in vision-language models — in your browser.
          </p>
          <BackendBadge engine={engine} />
          <WorkerStall />
          {urlProblems.length > 0 && (
            <ul className="notice notice--info" aria-label="Ignored link settings">
              {urlProblems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
        </header>
        <div className={`app__layout${hasRun ? ' app__layout--run' : ''}`}>
          <aside className="app__controls">
            <ModelPanel />
            <ImageDrop />
            <SettingsForm />
            <GroundTruthChips />
            <ExportMenu />
          </aside>
          <main className="app__main">
            <CaptionPair />
            <MethodCaptions />
            <div className="app__views">
              <EncoderView />
              <TokenAttentionView />
              <EvidenceView />
            </div>
            <StepInspector />
            <EvalPanel />
          </main>
        </div>
      </div>
    </LensContext.Provider>
  );
}
