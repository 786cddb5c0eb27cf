/// <reference lib="webworker" />
import { createEngine } from '../src/engine/engine';
import { ortVersion } from '../src/engine/runtime/ort';
import { transformersVersion } from '../src/engine/runtime/hf';
import { createServer } from '../src/engine/server';
import { ALIVE_INTERVAL_MS } from '../src/protocol/messages';
import { browserModelLoader } from '../src/engine/load/browser-loader';
import { browserDetectorLoader } from '../src/engine/load/detector-loader';
import { probeCapabilities } from '../src/engine/runtime/capabilities';

const scope = self as DedicatedWorkerGlobalScope;
const post = (message: Parameters<typeof scope.postMessage>[0], transfer: Transferable[] = []) =>
  scope.postMessage(message, transfer);
const env = {
  gpu: scope.navigator.gpu,
  crossOriginIsolated: scope.crossOriginIsolated,
  ortVersion,
  transformersVersion,
};
const loadDetector = browserDetectorLoader(scope.location.href, async () => (await probeCapabilities(env)).backend);
const engine = createEngine({
  env,
  loadModel: browserModelLoader(scope.location.href, env),
  loadDetector,
  emit: (event, transfer) => post({ kind: 'event', event }, transfer),
});
const serve = createServer(engine, post);
scope.addEventListener('message', (event: MessageEvent<unknown>) => void serve(event.data));
// Fires only while the thread is free: the page's watch takes silence during work as a worker that is stuck.
setInterval(() => post({ kind: 'event', event: { type: 'engine/alive' } }), ALIVE_INTERVAL_MS);
