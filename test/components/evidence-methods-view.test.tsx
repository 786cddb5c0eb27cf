// @vitest-environment jsdom
// The evidence view over a run that compared methods: a table row per method and measure (named as the page names
// the method), the difference and method charts with a series per method, and a selector that shows one method's
// distributions; every chart states its n.
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HallucinationEvidence } from '../../src/components/HallucinationEvidence';
import type { TokenRecord } from '../../src/core/evidence/records';
import { summariseEvidence } from '../../src/core/evidence/summary';
import { evidenceComputed } from '../../src/state/evidence-actions';
import { resetStore } from '../../src/state/store';
import { installJsdomGaps } from './jsdom-gaps';

const record = (method: TokenRecord['method'], label: TokenRecord['label'], share: number): TokenRecord => ({
  image: 'i',
  method,
  step: 0,
  word: 'w',
  label,
  share: [share],
  overlap: [0],
  entropy: [1],
});
// Per method one hallucinated and one grounded word; M3ID two hallucinated.
const TOKENS = [
  record('baseline', 'hallucinated', 0.6),
  record('baseline', 'grounded', 0.2),
  record('damro', 'hallucinated', 0.5),
  record('damro', 'grounded', 0.3),
  record('m3id', 'hallucinated', 0.9),
  record('m3id', 'hallucinated', 0.8),
  record('m3id', 'grounded', 0.1),
  record('ablation', 'hallucinated', 0),
  record('ablation', 'grounded', 0),
];

beforeAll(installJsdomGaps);
afterEach(() => {
  cleanup();
  resetStore();
});

describe('the evidence view with compared methods', () => {
  it('has a row and a series per method, and shows the distributions of the method chosen', () => {
    evidenceComputed('benchmark', {
      source: 'CHAIR run',
      result: {
        tokens: TOKENS,
        images: [],
        summary: summariseEvidence(TOKENS, [], { resamples: 50, seed: 1, level: 0.95 }),
        skipped: { noEvidence: 0, noGroundTruth: 0 },
      },
    });
    render(<HallucinationEvidence />);
    const table = screen.getByRole('table', { name: 'Strongest-layer tests' });
    const shareRows = within(table)
      .getAllByRole('row')
      .filter((row) => row.getAttribute('data-row')?.startsWith('share-'));
    expect(shareRows.map((row) => [row.getAttribute('data-row'), row.querySelectorAll('td')[0].textContent])).toEqual([
      ['share-baseline', 'baseline'],
      ['share-damro', 'DAMRO'],
      ['share-m3id', 'M3ID'],
      ['share-ablation', 'Outliers removed'],
      ['share-all', 'all methods'],
    ]);
    // M3ID's strongest (only) layer: 2 hallucinated and 1 grounded word.
    expect(shareRows[2].querySelectorAll('td')[2].textContent).toBe('2 / 1');

    const charts = () => Array.from(document.querySelectorAll('figure')).map((f) => f.getAttribute('data-chart'));
    expect(charts()).toEqual([
      'distribution-share-all',
      'difference-share',
      'methods-share',
      'distribution-overlap-all',
      'difference-overlap',
      'methods-overlap',
    ]);
    const difference = document.querySelector('[data-chart="difference-share"]')!.innerHTML;
    expect(difference).toContain('M3ID (n 2/1)');
    expect(difference).toContain('all methods (n 5/4)');

    const select = screen.getByRole('combobox', { name: 'Distributions of' }) as HTMLSelectElement;
    expect(Array.from(select.options).map((o) => o.textContent)).toEqual([
      'baseline',
      'DAMRO',
      'M3ID',
      'Outliers removed',
      'all methods',
    ]);
    expect(select.value).toBe('all');
    fireEvent.change(select, { target: { value: 'm3id' } });
    expect(charts()[0]).toBe('distribution-share-m3id');
    const m3id = document.querySelector('[data-chart="distribution-share-m3id"]')!.innerHTML;
    expect(m3id).toContain('hallucinated (2 words)');
    expect(m3id).toContain('n 2/1');
    for (const figure of document.querySelectorAll('figure')) expect(figure.innerHTML).toMatch(/\bn \d+/);
  });
});
