// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app/App';
import { createLensController, type ImageReader } from '../../src/controllers/lens-controller';
import { resetStore, store } from '../../src/state/store';
import { fakeEngine } from './fake-engine';
import { installJsdomGaps } from './jsdom-gaps';

const reader: ImageReader = { measure: async () => ({ width: 64, height: 48 }), objectUrl: () => 'blob:test-image' };

describe('compared methods beside the captions', () => {
  beforeAll(installJsdomGaps);
  beforeEach(resetStore);
  afterEach(cleanup);

  it('offers up to three methods, then streams each chosen one’s caption with its source and parameters', async () => {
    const engine = fakeEngine();
    const lens = createLensController(engine.client, reader);
    render(<App lens={lens} />);
    const choice = within(screen.getByRole('group', { name: /Compare with/ }));
    for (const name of ['VCD', 'M3ID', 'AvisC']) fireEvent.click(choice.getByRole('checkbox', { name }));
    expect(store.getState().settings.methods).toEqual(['vcd', 'm3id', 'avisc']);
    expect((choice.getByRole('checkbox', { name: 'Outliers removed' }) as HTMLInputElement).disabled).toBe(true);
    fireEvent.click(choice.getByRole('checkbox', { name: 'M3ID' }));
    expect((choice.getByRole('checkbox', { name: 'Outliers removed' }) as HTMLInputElement).disabled).toBe(false);
    // Each chosen method's hyper-parameters start at its paper's defaults and can be changed.
    expect((choice.getByLabelText('AvisC layerGamma') as HTMLInputElement).value).toBe('0.5');
    fireEvent.change(choice.getByLabelText('VCD alpha'), { target: { value: '2' } });
    expect(store.getState().settings.methodParams).toEqual({ vcd: { alpha: 2 } });

    await lens.loadModel();
    await lens.openImage(new Blob([new Uint8Array([1])], { type: 'image/png' }), 'test.png');
    expect((await screen.findByTestId('method-caption-vcd')).textContent).toBe('vcd sees');
    expect(screen.getByTestId('method-caption-avisc').textContent).toBe('avisc sees');
    expect(screen.queryByTestId('method-caption-m3id')).toBeNull();
    const vcd = screen.getByTestId('method-caption-vcd').closest('article')!;
    expect(within(vcd).getByRole('heading').textContent).toBe('VCD');
    expect(within(vcd).getByText(/stopped at max tokens/)).toBeTruthy();
    expect(within(vcd).getByRole('link').getAttribute('href')).toBe('https://arxiv.org/abs/2311.16922');
    expect(vcd.textContent).toContain('alpha 2 · beta 0.1 · noiseStep 500 · noiseSeed 42');
    // Clicking a token shows that step's candidates: main branch, contrast branch, combination.
    fireEvent.click(within(screen.getByTestId('method-caption-vcd')).getByText('sees'));
    const tables = within(screen.getByTestId('method-step-vcd')).getAllByRole('table');
    expect(tables.map((t) => t.querySelector('caption')!.textContent)).toEqual([
      'Full image',
      'Noised image',
      'VCD combined',
    ]);
    expect(tables[2].querySelector('.candidates__chosen')!.textContent).toContain('t51');
    expect(engine.runs[0].methods![0]).toEqual({
      method: 'vcd',
      params: { alpha: 2, beta: 0.1, noiseStep: 500, noiseSeed: 42 },
    });
  });
});
