import { useId, useState } from 'react';
import { useLens } from '../state/store';
import { addGroundTruth, removeGroundTruth } from '../state/view-actions';

/** The objects really in the image, as chips; caption object words are checked against them. */
export function GroundTruthChips() {
  const entries = useLens((s) => s.ui.groundTruth);
  const [draft, setDraft] = useState('');
  const id = useId();
  const add = () => {
    addGroundTruth(draft);
    setDraft('');
  };
  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Objects in the image</h2>
      <ul className="chips" aria-label="Ground-truth objects">
        {entries.map((entry) => (
          <li key={entry} className="chip">
            {entry}
            <button type="button" className="chip__remove" aria-label={`Remove ${entry}`} onClick={() => removeGroundTruth(entry)}>×</button>
          </li>
        ))}
      </ul>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          add();
        }}
      >
        <label htmlFor={id} className="visually-hidden">Add objects</label>
        <input id={id} value={draft} placeholder="dog, couch, …" onChange={(e) => setDraft(e.target.value)} />
        <button type="submit" className="button" disabled={!draft.trim()}>Add</button>
      </form>
      <small>Simple matching (exact words and plurals); the full CHAIR rules come later. Without a list, object words are unverifiable.</small>
    </section>
  );
}
