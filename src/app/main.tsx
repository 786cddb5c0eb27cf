import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startEngine } from '../controllers/lens-controller';
import { App } from './App';
import { browserImageReader } from './image-reader';
import { browserEvalController } from './eval-wiring';
import { EvalContext } from '../components/EvalContext';
import { ensureLabeller } from './labeller';
import { collectSessionEvidence } from '../controllers/session-evidence';
import { loadSamples } from './samples';
import { syncSettingsWithUrl } from './url-sync';
import { store } from '../state/store';
import './app.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
syncSettingsWithUrl(window.location, window.history);
const { lens, client } = startEngine(browserImageReader);
const evaluation = browserEvalController(client, new URL('./', window.location.href));
collectSessionEvidence(lens);
createRoot(root).render(
  <StrictMode>
    <EvalContext.Provider value={evaluation}>
      <App lens={lens} />
    </EvalContext.Provider>
  </StrictMode>,
);
// The labeller (with its 1.2 MB gzipped tagger model) is fetched when labels can first be needed: an image, a
// ground-truth entry or COCO id typed, or a CHAIR benchmark run (eval-wiring.ts asks for it itself).
const needsLabels = (s: ReturnType<typeof store.getState>) =>
  Boolean(s.image) || s.ui.groundTruth.length > 0 || s.labels.cocoId !== '';
const startLabeller = () => {
  stopWatching();
  void ensureLabeller(new URL('./', window.location.href));
};
const stopWatching = store.subscribe((s) => {
  if (needsLabels(s)) startLabeller();
});
if (needsLabels(store.getState())) startLabeller();
void loadSamples(new URL('./', window.location.href));
