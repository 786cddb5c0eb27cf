import type { FileLoadProgress } from '../protocol/messages';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1048576) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

/**
 * One bar per model file with its bytes, a "cached" mark for files served from the browser cache, and the
 * total; once loaded the list folds away behind the total.
 */
export function LoadProgress({ files, done }: { files: readonly FileLoadProgress[]; done: boolean }) {
  if (files.length === 0) return null;
  const loaded = files.reduce((sum, f) => sum + f.loaded, 0);
  const total = files.reduce((sum, f) => sum + f.total, 0);
  const cached = files.filter((f) => f.cached).length;
  return (
    <details className="progress" open={!done}>
      <summary data-testid="load-total">
        {done
          ? `${files.length} files, ${formatBytes(total)}${cached ? `, ${cached} from the browser cache` : ''}`
          : `Downloading: ${formatBytes(loaded)} of ${formatBytes(total)}`}
      </summary>
      <ul className="progress__files" aria-label="Model files">
        {files.map((f) => (
          <li key={f.file} className="progress__file">
            <span className="progress__name" title={f.file}>
              {f.file}
            </span>
            {f.cached && <span className="progress__cached">cached</span>}
            <progress max={f.total || 1} value={f.loaded} aria-label={`${f.file} downloaded`} />
            <span className="progress__bytes">
              {formatBytes(f.loaded)} / {formatBytes(f.total)}
            </span>
          </li>
        ))}
      </ul>
    </details>
  );
}
