import type { FileProgress } from '../state/store';

const megabytes = (bytes: number): string => `${(bytes / 1048576).toFixed(bytes < 1048576 ? 2 : 1)} MB`;

/** One bar per model file with its bytes, a "cached" mark for files served from the browser cache, and the total. */
export function LoadProgress({ files }: { files: readonly FileProgress[] }) {
  if (files.length === 0) return null;
  const loaded = files.reduce((sum, f) => sum + f.loaded, 0);
  const total = files.reduce((sum, f) => sum + f.total, 0);
  return (
    <div className="progress" aria-label="Model download progress">
      <ul className="progress__files">
        {files.map((f) => (
          <li key={f.file} className="progress__file">
            <span className="progress__name" title={f.file}>{f.file}</span>
            {f.cached && <span className="progress__cached">cached</span>}
            <progress max={f.total || 1} value={f.loaded} aria-label={`${f.file} downloaded`} />
            <span className="progress__bytes">{megabytes(f.loaded)} / {megabytes(f.total)}</span>
          </li>
        ))}
      </ul>
      <p className="progress__total" data-testid="load-total">
        Total: {megabytes(loaded)} of {megabytes(total)}
      </p>
    </div>
  );
}
