// Where the GPT-4V-aided judge's API key may be remembered: only when the person ticks "remember", in this
// browser's localStorage for this site; otherwise nowhere but the benchmark controller's memory.
const ITEM = 'damro-lens-judge-key';

export interface KeyStore {
  load(): string | undefined;
  save(key: string): void;
  forget(): void;
}

export function localKeyStore(storage: Storage): KeyStore {
  return {
    load: () => storage.getItem(ITEM) ?? undefined,
    save: (key) => storage.setItem(ITEM, key),
    forget: () => storage.removeItem(ITEM),
  };
}

/** For browsers that refuse storage and for tests. */
export function memoryKeyStore(): KeyStore {
  let kept: string | undefined;
  return {
    load: () => kept,
    save: (key) => void (kept = key),
    forget: () => void (kept = undefined),
  };
}
