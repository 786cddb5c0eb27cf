// The only module that imports @huggingface/transformers (processors, tokenizers, Hub cache).
// ./ort must be evaluated first so transformers.js finds the wasm location already set.
import './ort';
import { env } from '@huggingface/transformers';

export const transformersVersion: string = env.version;
