import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startEngine } from '../client/bridge';
import { App } from './App';
import { browserEvalController } from './eval-wiring';
import { EvalContext } from '../components/EvalContext';
import { loadLabeller } from './labeller';
import { loadSamples } from './samples';
import { syncSettingsWithUrl } from './url-sync';
import './app.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
syncSettingsWithUrl(window.location, window.history);
const { lens, client } = startEngine();
const evaluation = browserEvalController(client, new URL('./', window.location.href));
createRoot(root).render(
  <StrictMode>
    <EvalContext.Provider value={evaluation}>
      <App lens={lens} />
    </EvalContext.Provider>
  </StrictMode>,
);
void loadLabeller(new URL('./', window.location.href));
void loadSamples(new URL('./', window.location.href));
