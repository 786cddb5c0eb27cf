// Benchmark answers kept in IndexedDB, keyed by run (runName of its settings) and question, so a closed tab or
// a paused run resumes where it stopped. One record per answered question.
const DB = 'damro-lens-eval';
const STORE = 'answers';

interface AnswerRow<V> {
  readonly run: string;
  readonly key: string;
  readonly outputs: V;
}

/** V is what one answer holds (the baseline and DAMRO outputs); stored as structured-clone data. */
export interface AnswerStorage<V> {
  load(run: string): Promise<Map<string, V>>;
  /** How many answers the run has kept, without reading them. */
  count(run: string): Promise<number>;
  save(run: string, answers: readonly { key: string; outputs: V }[]): Promise<void>;
  clear(run: string): Promise<void>;
}

const done = (request: IDBRequest | IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    if ('oncomplete' in request) {
      request.oncomplete = () => resolve();
      request.onerror = () => reject(request.error);
      request.onabort = () => reject(request.error);
    } else {
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
    }
  });

export function indexedDbAnswers<V>(factory: IDBFactory): AnswerStorage<V> {
  let db: Promise<IDBDatabase> | undefined;
  const open = () =>
    (db ??= new Promise((resolve, reject) => {
      const request = factory.open(DB, 1);
      request.onupgradeneeded = () =>
        request.result.createObjectStore(STORE, { keyPath: ['run', 'key'] }).createIndex('run', 'run');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () =>
        reject(
          new Error(
            `The browser refused its database (${request.error?.message ?? 'no reason given'}); answers cannot be kept between sessions.`,
          ),
        );
    }));
  return {
    async load(run) {
      const request = (await open()).transaction(STORE).objectStore(STORE).index('run').getAll(run);
      await done(request);
      return new Map((request.result as AnswerRow<V>[]).map((row) => [row.key, row.outputs]));
    },
    async count(run) {
      const request = (await open()).transaction(STORE).objectStore(STORE).index('run').count(run);
      await done(request);
      return request.result;
    },
    async save(run, answers) {
      const tx = (await open()).transaction(STORE, 'readwrite');
      for (const { key, outputs } of answers) tx.objectStore(STORE).put({ run, key, outputs } satisfies AnswerRow<V>);
      await done(tx);
    },
    async clear(run) {
      const tx = (await open()).transaction(STORE, 'readwrite');
      tx.objectStore(STORE).delete(IDBKeyRange.bound([run, ''], [run, '\uffff']));
      await done(tx);
    },
  };
}

/** Answers in memory: for browsers without IndexedDB (private modes) and for tests. */
export function memoryAnswers<V>(): AnswerStorage<V> {
  const runs = new Map<string, Map<string, V>>();
  return {
    load: async (run) => new Map(runs.get(run)),
    count: async (run) => runs.get(run)?.size ?? 0,
    async save(run, answers) {
      const map = runs.get(run) ?? new Map<string, V>();
      for (const { key, outputs } of answers) map.set(key, outputs);
      runs.set(run, map);
    },
    clear: async (run) => void runs.delete(run),
  };
}
