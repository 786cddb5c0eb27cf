// Runs the cache-assembly model (src/engine/onnx/cache-assembly-graph.ts): one small ORT session per number of
// prompts, made on first use and kept with the model.
import {
  ASSEMBLY_ROWS,
  assemblyInput,
  assemblyKeys,
  assemblyOutput,
  cacheAssemblyModel,
} from '../onnx/cache-assembly-graph';
import { ort } from '../runtime/ort';

type Tensor = ort.Tensor;
type Session = Pick<ort.InferenceSession, 'run' | 'release'>;

const int64 = (values: readonly number[]) =>
  new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [values.length]);

export class CacheAssembler {
  private readonly sessions = new Map<number, Promise<Session>>();

  /**
   * `open` makes a session whose named outputs stay on the device (GPU buffers under WebGPU). `states` are the
   * indices of state tensors, [1, channels, taps] without a key axis (a hybrid decoder's convolution state).
   */
  constructor(
    private readonly tensors: number,
    private readonly elementType: 'float32' | 'float16',
    private readonly open: (bytes: Uint8Array, outputs: readonly string[]) => Promise<Session>,
    private readonly states: ReadonlySet<number> = new Set(),
  ) {}

  /**
   * caches[p] holds prompt p's cache tensors, [1, heads, lengths[p], headDim]; the result holds, per tensor,
   * [rows.length, heads, max length, headDim] with row r taken from prompt rows[r], padded on `side` (the padded
   * slots repeat an edge key; the attention mask hides them). A state tensor comes out [rows.length, channels, taps].
   */
  async assemble(
    caches: readonly (readonly Tensor[])[],
    lengths: readonly number[],
    rows: readonly number[],
    side: 'left' | 'right' = 'left',
  ): Promise<Tensor[]> {
    let session = this.sessions.get(caches.length);
    if (!session) {
      const outputs = Array.from({ length: this.tensors }, (_, i) => assemblyOutput(i));
      session = this.open(cacheAssemblyModel(caches.length, this.tensors, this.elementType, this.states), outputs);
      this.sessions.set(caches.length, session);
    }
    const width = Math.max(...lengths);
    const feeds: Record<string, Tensor> = { [ASSEMBLY_ROWS]: int64(rows) };
    lengths.forEach(
      (length, p) =>
        (feeds[assemblyKeys(p)] = int64(
          Array.from({ length: width }, (_, k) =>
            side === 'left' ? Math.max(0, k - (width - length)) : Math.min(k, length - 1),
          ),
        )),
    );
    caches.forEach((cache, p) => cache.forEach((tensor, i) => (feeds[assemblyInput(p, i)] = tensor)));
    const outputs = await (await session).run(feeds);
    return Array.from({ length: this.tensors }, (_, i) => outputs[assemblyOutput(i)]!);
  }

  async release(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map(async (session) => (await session).release()));
  }
}
