// The only module that imports zustand. One vanilla store, split into slices; actions are module-level
// functions (src/state/actions.ts) so the worker bridge can call them without React.
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { Capabilities } from '../protocol/messages';

export type EngineStatus =
  | { readonly phase: 'starting' }
  | { readonly phase: 'ready'; readonly capabilities: Capabilities }
  | { readonly phase: 'failed'; readonly message: string };

export interface LensState {
  readonly engine: EngineStatus;
}

export const initialState: LensState = { engine: { phase: 'starting' } };

export const store = createStore<LensState>(() => initialState);

export function useLens<T>(selector: (state: LensState) => T): T {
  return useStore(store, selector);
}
