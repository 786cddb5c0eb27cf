import type { Capabilities } from '../protocol/messages';
import { store } from './store';

export function engineReady(capabilities: Capabilities): void {
  store.setState({ engine: { phase: 'ready', capabilities } });
}

export function engineFailed(message: string): void {
  store.setState({ engine: { phase: 'failed', message } });
}
