// @vitest-environment jsdom
// The page's side of a silent worker: the notice appears with how long it has been silent, offers the restart,
// and goes away once the worker is heard again.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/app/App';
import { createLensController } from '../../src/controllers/lens-controller';
import { engineReady, engineSilent } from '../../src/state/actions';
import { resetStore } from '../../src/state/store';
import { fakeEngine } from './fake-engine';
import { installJsdomGaps } from './jsdom-gaps';

describe('a silent worker in the page', () => {
  beforeAll(installJsdomGaps);
  beforeEach(resetStore);
  afterEach(cleanup);

  it('shows how long the worker has been silent, restarts it on request, and clears when it is heard', () => {
    const lens = createLensController(fakeEngine().client, {
      measure: async () => ({ width: 1, height: 1 }),
      objectUrl: () => 'blob:x',
    });
    const restart = vi.spyOn(lens, 'restartEngine').mockResolvedValue();
    engineReady({
      backend: 'wasm',
      fallbackReason: 'No WebGPU adapter in tests.',
      crossOriginIsolated: false,
      ortVersion: 't',
      transformersVersion: 't',
    });
    render(<App lens={lens} />);
    expect(screen.queryByTestId('worker-stall')).toBeNull();
    act(() => engineSilent(31_400));
    expect(screen.getByTestId('worker-stall').textContent).toMatch(/^The inference worker has not answered for 31 s\./);
    fireEvent.click(screen.getByRole('button', { name: 'Restart the worker' }));
    expect(restart).toHaveBeenCalledTimes(1);
    act(() => engineSilent(undefined));
    expect(screen.queryByTestId('worker-stall')).toBeNull();
  });
});
