// What a loaded model's weights really are, in words: a folder that lacks the asked-for dtype loads the nearest
// one it has (per session), and the person must see that rather than the dtype they asked for.
import type { Dtype, SessionDtypes } from '../../protocol/messages';

const SESSION_NAMES: Readonly<Record<keyof SessionDtypes, string>> = {
  vision: 'vision encoder',
  embed: 'embeddings',
  decoder: 'decoder',
};

/** "q4"; "fp32 (q4 asked for; this model has no q4 files)"; "q4 (embeddings fp32)". */
export function loadedDtypeLabel(requested: Dtype, sessions: SessionDtypes): string {
  const entries = Object.entries(sessions) as [keyof SessionDtypes, Dtype][];
  const loaded = new Set(entries.map(([, dtype]) => dtype));
  if (loaded.size === 1) {
    const [only] = loaded;
    return only === requested ? requested : `${only!} (${requested} asked for; this model has no ${requested} files)`;
  }
  // The decoder holds most of the weights, so its dtype leads.
  const others = entries
    .filter(([name, dtype]) => name !== 'decoder' && dtype !== sessions.decoder)
    .map(([name, dtype]) => `${SESSION_NAMES[name]} ${dtype}`);
  const asked = sessions.decoder === requested ? '' : `; ${requested} asked for`;
  return `${sessions.decoder} (${others.join(', ')}${asked})`;
}

/** Whether every session loaded the dtype that was asked for. */
export const loadedAsRequested = (requested: Dtype, sessions: SessionDtypes): boolean =>
  Object.values(sessions).every((d) => d === requested);
