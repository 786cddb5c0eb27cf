import { describe, expect, it } from 'vitest';
import { loadedAsRequested, loadedDtypeLabel } from '../../../../src/core/models/loaded-dtype';

describe('loadedDtypeLabel', () => {
  it('is the dtype alone when every session loaded what was asked for', () => {
    expect(loadedDtypeLabel('q4', { vision: 'q4', embed: 'q4', decoder: 'q4' })).toBe('q4');
    expect(loadedAsRequested('q4', { vision: 'q4', embed: 'q4', decoder: 'q4' })).toBe(true);
  });

  it('names the dtype really loaded when the folder has none of the asked-for files', () => {
    expect(loadedDtypeLabel('q4', { vision: 'fp32', embed: 'fp32', decoder: 'fp32' })).toBe(
      'fp32 (q4 asked for; this model has no q4 files)',
    );
    expect(loadedAsRequested('q4', { vision: 'fp32', embed: 'fp32', decoder: 'fp32' })).toBe(false);
  });

  it('leads with the decoder and lists the sessions that differ from it', () => {
    expect(loadedDtypeLabel('q4', { vision: 'q4', embed: 'fp32', decoder: 'q4' })).toBe('q4 (embeddings fp32)');
    expect(loadedDtypeLabel('q4f16', { vision: 'fp16', embed: 'fp16', decoder: 'q4' })).toBe(
      'q4 (vision encoder fp16, embeddings fp16; q4f16 asked for)',
    );
  });
});
