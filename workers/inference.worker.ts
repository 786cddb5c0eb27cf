/// <reference lib="webworker" />
import { createEngine } from '../src/engine/engine';
import { ortVersion } from '../src/engine/runtime/ort';
import { transformersVersion } from '../src/engine/runtime/hf';
import { createServer } from '../src/engine/server';

const scope = self as DedicatedWorkerGlobalScope;
const engine = createEngine({ gpu: scope.navigator.gpu, crossOriginIsolated: scope.crossOriginIsolated, ortVersion, transformersVersion });
const serve = createServer(engine, (message, transfer) => scope.postMessage(message, transfer));
scope.addEventListener('message', (event: MessageEvent<unknown>) => void serve(event.data));
