import { catalogEntry } from '../core/models/catalog';
import { pickDtype } from '../core/models/pick-dtype';
import type { Capabilities } from '../protocol/messages';
import { store } from './store';

/** The engine answered; a catalogue model's dtype becomes the one this device runs best, unless a link chose it. */
export function engineReady(capabilities: Capabilities): void {
  const { settings, ui } = store.getState();
  const entry = catalogEntry(settings.modelId);
  const dtype =
    entry && !ui.dtypeFromLink
      ? pickDtype(entry.dtypes, { backend: capabilities.backend, shaderF16: capabilities.adapter?.shaderF16 ?? false })
          .dtype
      : settings.dtype;
  store.setState({
    engine: { phase: 'ready', capabilities },
    settings: dtype === settings.dtype ? settings : { ...settings, dtype },
  });
}

export function engineFailed(message: string): void {
  store.setState({ engine: { phase: 'failed', message } });
}

export function engineStarting(): void {
  store.setState({ engine: { phase: 'starting' } });
}

/** How long the worker has been silent with work to do; undefined once it is heard again. */
export function engineSilent(silentForMs: number | undefined): void {
  store.setState({ engine: { ...store.getState().engine, silentForMs } });
}
