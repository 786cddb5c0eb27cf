// Benchmark-only page (never shipped): the browser halves of `npm run bench:engine` and `npm run bench:redraw`.
import { benchEngine, benchOneRun } from './engine';
import { benchRedraw } from './redraw';

Object.assign(window, { benchEngine, benchOneRun, benchRedraw });
document.body.dataset.ready = 'true';
