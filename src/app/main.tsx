import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startEngine } from '../client/bridge';
import { App } from './App';
import { loadLabeller } from './labeller';
import { syncSettingsWithUrl } from './url-sync';
import './app.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
syncSettingsWithUrl(window.location, window.history);
const lens = startEngine();
createRoot(root).render(
  <StrictMode>
    <App lens={lens} />
  </StrictMode>,
);
void loadLabeller(new URL('./', window.location.href));
