import { openSample } from '../controllers/open-sample';
import { useLens } from '../state/store';
import { useLensController } from './LensContext';

/** Real photos the site ships, each with its objects listed by hand: one click captions one. */
export function SampleGallery() {
  const lens = useLensController();
  const samples = useLens((s) => s.ui.samples);
  const busy = useLens((s) => s.model.phase === 'loading' || s.run.phase === 'running');
  if (samples.length === 0) return null;
  return (
    <div className="samples">
      <p className="panel__hint">Or caption a sample photo:</p>
      <ul className="samples__list" aria-label="Sample photos">
        {samples.map((sample) => (
          <li key={sample.file}>
            <button
              type="button"
              className="samples__item"
              data-testid="sample"
              disabled={busy}
              onClick={() => void openSample(lens, sample)}
              title={`${sample.title} · ${sample.licence}, ${sample.credit}`}
            >
              <img src={sample.url} alt="" width={72} height={54} />
              <span>{sample.title}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
