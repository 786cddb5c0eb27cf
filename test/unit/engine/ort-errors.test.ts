import { describe, expect, it } from 'vitest';
import { explainOrtError } from '../../../src/engine/runtime/ort-errors';
import { LensError } from '../../../src/protocol/errors';

describe('explainOrtError', () => {
  it.each([
    ['Error: failed to allocate a buffer of size 3185049600: out of memory', 'out-of-memory', /smaller model/],
    ['Buffer size (3185049600) exceeds the max buffer size limit (1073741824)', 'out-of-memory', /q4/],
    ['WebGPU device was lost: reason destroyed', 'device-lost', /Reload the page/],
    ['[WebGPU] Kernel "[Softmax]" failed. Error: unexpected', 'internal', /report it/],
  ])('%s → %s', (text, code, advice) => {
    const error = explainOrtError(new Error(text), 'captioning');
    expect(error.code).toBe(code);
    expect(error.message).toMatch(advice);
    expect(error.message).toContain('captioning');
  });

  it('calls a failure while loading an unsupported model, and keeps typed errors as they are', () => {
    expect(
      explainOrtError(new Error('Could not find an implementation for Foo(1) node'), 'loading the decoder').code,
    ).toBe('unsupported-model');
    const typed = new LensError('bad-image', 'not an image');
    expect(explainOrtError(typed, 'captioning')).toBe(typed);
  });
});
