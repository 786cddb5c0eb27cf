import type { Capabilities } from '../protocol/messages';
import { store } from './store';

export function engineReady(capabilities: Capabilities): void {
  store.setState({ engine: { phase: 'ready', capabilities } });
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
