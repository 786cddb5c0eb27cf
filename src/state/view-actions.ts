import type { WireError } from '../protocol/errors';
import { DEFAULT_SETTINGS, type Settings } from './settings';
import { emptyCaptions, store, type GallerySample, type ImageSlice, type TokenRef } from './store';

export function updateSettings(patch: Partial<Settings>): void {
  const { settings } = store.getState();
  store.setState({ settings: { ...settings, ...patch } });
}

/** The person set k: it is kept when another model loads instead of becoming that model's default. */
export function chooseK(k: number): void {
  const { settings, ui } = store.getState();
  store.setState({ settings: { ...settings, damro: { ...settings.damro, k } }, ui: { ...ui, kChosen: true } });
}

/**
 * A k other than the paper's 10 in the link was chosen; the page writes every setting into its address, so a link
 * with k = 10 cannot be told from an untouched default and gets the model's default.
 */
export function settingsFromUrl(settings: Settings, problems: readonly string[], dtypeFromLink: boolean): void {
  const { ui } = store.getState();
  const kChosen = settings.damro.k !== DEFAULT_SETTINGS.damro.k;
  store.setState({ settings, ui: { ...ui, urlProblems: problems, dtypeFromLink, kChosen } });
}

/** A new picture: the previous run's captions and attention belong to the old one, so they go. */
export function imageChosen(image: ImageSlice): void {
  const { run, ui } = store.getState();
  store.setState({
    image,
    run: { phase: 'idle', staleUpTo: Math.max(run.staleUpTo, run.runId ?? 0), captions: emptyCaptions, steps: [] },
    attention: { frames: {}, details: {}, detailErrors: {} },
    ui: { ...ui, selected: undefined, hovered: undefined, imageError: undefined },
  });
}

export function imageFailed(error: WireError): void {
  const { ui } = store.getState();
  store.setState({ ui: { ...ui, imageError: error } });
}

export function selectToken(ref: TokenRef | undefined): void {
  const { ui } = store.getState();
  store.setState({ ui: { ...ui, selected: ref } });
}

export function hoverToken(ref: TokenRef | undefined): void {
  const { ui } = store.getState();
  if (ui.hovered?.caption === ref?.caption && ui.hovered?.step === ref?.step) return;
  store.setState({ ui: { ...ui, hovered: ref } });
}

/** Adds objects (comma-separated allowed), trimmed, lower-cased, without duplicates. */
export function addGroundTruth(text: string): void {
  const { ui } = store.getState();
  const entries = text
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '' && !ui.groundTruth.includes(t));
  if (entries.length === 0) return;
  store.setState({ ui: { ...ui, groundTruth: [...ui.groundTruth, ...new Set(entries)] } });
}

export function removeGroundTruth(entry: string): void {
  const { ui } = store.getState();
  store.setState({ ui: { ...ui, groundTruth: ui.groundTruth.filter((g) => g !== entry) } });
}

export function samplesArrived(samples: readonly GallerySample[]): void {
  const { ui } = store.getState();
  store.setState({ ui: { ...ui, samples } });
}
