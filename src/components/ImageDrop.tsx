import { useEffect, useId, useState, type DragEvent } from 'react';
import { useLens } from '../state/store';
import { ErrorNotice } from './ErrorNotice';
import { SampleGallery } from './SampleGallery';
import { useLensController } from './LensContext';

const firstImage = (files: FileList | null | undefined): File | undefined =>
  files ? (Array.from(files).find((f) => f.type.startsWith('image/')) ?? files[0]) : undefined;

/** The picture in: drop it here, pick a file, or paste anywhere on the page. */
export function ImageDrop() {
  const lens = useLensController();
  const image = useLens((s) => s.image);
  const error = useLens((s) => s.ui.imageError);
  const [over, setOver] = useState(false);
  const inputId = useId();

  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const file = firstImage(event.clipboardData?.files);
      if (file) void lens.openImage(file, file.name || 'pasted image');
    };
    window.addEventListener('paste', onPaste);
    return () => window.removeEventListener('paste', onPaste);
  }, [lens]);

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    const file = firstImage(event.dataTransfer.files);
    if (file) void lens.openImage(file, file.name || 'dropped image');
  };

  return (
    <section className="panel" aria-labelledby={`${inputId}-h`}>
      <h2 id={`${inputId}-h`}>Image</h2>
      <div
        className={`drop${over ? ' drop--over' : ''}`}
        data-testid="image-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>Drop an image here, paste one, or</p>
        <input
          id={inputId}
          className="visually-hidden drop__input"
          type="file"
          accept="image/*"
          onKeyDown={(e) => {
            // A file input opens on Space only; a button-looking control should open on Enter too.
            if (e.key === 'Enter') {
              e.preventDefault();
              e.currentTarget.click();
            }
          }}
          onChange={(e) => {
            const file = firstImage(e.target.files);
            if (file) void lens.openImage(file, file.name);
            e.target.value = '';
          }}
        />
        <label className="button" htmlFor={inputId}>
          Choose a file…
        </label>
      </div>
      <SampleGallery />
      {image && (
        <p className="panel__status" data-testid="image-summary">
          {image.name} · {image.width}×{image.height} px
        </p>
      )}
      {error && <ErrorNotice error={error} fallbackTitle="Cannot open this image" />}
    </section>
  );
}
