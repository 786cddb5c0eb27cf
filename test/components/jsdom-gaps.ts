// What jsdom lacks. It has no canvas: overlays draw through a recording 2D context instead, so tests read what
// was drawn (how many outlines, whether a heatmap layer was drawn) from the code path the browser runs. Its
// Blob has no arrayBuffer(): FileReader provides the same bytes.

export interface DrawCall {
  readonly op: string;
  readonly args: readonly unknown[];
}

export interface RecordingContext {
  calls: DrawCall[];
}

const contexts = new WeakMap<HTMLCanvasElement, RecordingContext>();

function recordingContext(canvas: HTMLCanvasElement): RecordingContext {
  const state: RecordingContext & Record<string, unknown> = { calls: [], canvas };
  const record =
    (op: string) =>
    (...args: unknown[]) => {
      if (op === 'clearRect') state.calls = [];
      state.calls.push({ op, args });
    };
  for (const op of [
    'save',
    'restore',
    'clearRect',
    'drawImage',
    'fillRect',
    'strokeRect',
    'fillText',
    'strokeText',
    'setTransform',
    'putImageData',
  ])
    state[op] = record(op);
  state.createImageData = (width: number, height: number) => ({
    width,
    height,
    data: new Uint8ClampedArray(width * height * 4),
  });
  return state;
}

export function installJsdomGaps(): void {
  if (!Blob.prototype.arrayBuffer) {
    Blob.prototype.arrayBuffer = function (this: Blob) {
      return new Promise<ArrayBuffer>((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(reader.result as ArrayBuffer);
        reader.onerror = () => reject(reader.error);
        reader.readAsArrayBuffer(this);
      });
    };
  }
  HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
    let context = contexts.get(this);
    if (!context) {
      context = recordingContext(this);
      contexts.set(this, context);
    }
    return context as unknown as CanvasRenderingContext2D;
  } as unknown as typeof HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.toBlob = function (callback: BlobCallback) {
    callback(new Blob(['png'], { type: 'image/png' }));
  };
}

/** The calls of the canvas's latest full redraw (each redraw starts with clearRect). */
export function lastDraw(canvas: HTMLCanvasElement): DrawCall[] {
  return contexts.get(canvas)?.calls ?? [];
}
