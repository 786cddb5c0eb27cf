import { decodeSettings, URL_KEYS, withSettings } from '../state/url-settings';
import { store } from '../state/store';
import { settingsFromUrl } from '../state/view-actions';
import { colormapNames } from '../viz/colormap';

/** Reads the settings from the page address once, then keeps the address in step with them. */
export function syncSettingsWithUrl(location: Location, history: History): () => void {
  const { settings, problems } = decodeSettings(location.search, { colormaps: colormapNames });
  settingsFromUrl(
    settings,
    problems,
    new URLSearchParams(location.search).has(URL_KEYS.dtype) &&
      !problems.some((p) => p.startsWith(`Ignored ${URL_KEYS.dtype}=`)),
  );
  const write = () => {
    const query = withSettings(location.search, store.getState().settings);
    history.replaceState(history.state, '', `${location.pathname}?${query}${location.hash}`);
  };
  write();
  return store.subscribe((state, previous) => {
    if (state.settings !== previous.settings) write();
  });
}
