import { useEffect, useId, useState } from 'react';
import { cocoImageId } from '../core/labels/coco-source';
import { DETECTOR_CATALOG, detectorEntry, SYNTHETIC_DETECTOR_NOTICE } from '../core/models/detectors';
import { setCocoId, setDetectionThreshold, setDetectorId } from '../state/label-actions';
import { groundTruthView, type GroundTruthView } from '../state/labels-derive';
import { useLens } from '../state/store';
import { addGroundTruth, removeGroundTruth } from '../state/view-actions';
import { ErrorNotice } from './ErrorNotice';
import { useLensController } from './LensContext';

const NO_IMAGE_YET = 'Drop an image; its objects come from COCO, your list, or the detector.';

function sourceText(
  view: GroundTruthView | undefined,
  labelling: boolean,
  imageId: number | undefined,
  hasImage: boolean,
  sample: boolean,
): string {
  // The labeller is fetched with the first image, so before one there is nothing to wait for.
  if (!view)
    return !labelling
      ? 'The caption labeller could not load.'
      : hasImage
        ? 'labelling… (loading the CHAIR tagger)'
        : NO_IMAGE_YET;
  const { truth, detection } = view;
  const objects = truth ? [...truth.objects.keys()].join(', ') || 'nothing' : '';
  if (truth?.kind === 'coco-annotations') return `COCO val2014 image ${imageId} (CHAIR annotations): ${objects}`;
  if (truth?.kind === 'user-list')
    return sample ? `This sample photo’s objects (listed by hand): ${objects}` : `Your list: ${objects}`;
  if (detection?.phase === 'running') return 'Detecting objects…';
  if (truth?.kind === 'detector') return `Detector ${detection?.modelId}: ${objects}`;
  return NO_IMAGE_YET;
}

/**
 * Where the objects really in the image come from, in this order: a COCO val2014 image (file name or typed id)
 * uses the CHAIR annotations, else the person's list, else the in-browser detector above its threshold.
 */
export function GroundTruthChips() {
  const lens = useLensController();
  const entries = useLens((s) => s.ui.groundTruth);
  const image = useLens((s) => s.image);
  const { cocoId, detectorId, threshold } = useLens((s) => s.labels);
  const labelling = useLens((s) => s.labels.labeller.phase === 'loading');
  const view = useLens(groundTruthView);
  const [draft, setDraft] = useState('');
  const id = useId();
  const needsDetection = Boolean(view?.needsDetector && image && !view.detection);
  const imageId = cocoImageId({ fileName: image?.name, cocoId });

  useEffect(() => {
    if (needsDetection) void lens.detect();
  }, [needsDetection, lens]);

  const add = () => {
    addGroundTruth(draft);
    setDraft('');
  };
  const synthetic = view?.detection?.result?.synthetic ?? detectorEntry(detectorId)?.synthetic;
  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Objects in the image</h2>
      <p className="panel__status" data-testid="gt-source" data-source={view?.truth?.kind ?? ''}>
        {sourceText(view, labelling, imageId, Boolean(image), Boolean(image?.objects))}
      </p>
      {view && view.unrecognised.length > 0 && (
        <p className="panel__hint">Not COCO objects, ignored: {view.unrecognised.join(', ')}</p>
      )}

      <label htmlFor={`${id}-coco`}>COCO val2014 image id</label>
      <input
        id={`${id}-coco`}
        inputMode="numeric"
        value={cocoId}
        placeholder="e.g. 310196 (file names are recognised)"
        onChange={(e) => setCocoId(e.target.value)}
      />

      <ul className="chips" aria-label="Ground-truth objects">
        {entries.map((entry) => (
          <li key={entry} className="chip">
            {entry}
            <button
              type="button"
              className="chip__remove"
              aria-label={`Remove ${entry}`}
              onClick={() => removeGroundTruth(entry)}
            >
              ×
            </button>
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
        <label htmlFor={id} className="visually-hidden">
          Add objects
        </label>
        <input id={id} value={draft} placeholder="dog, couch, …" onChange={(e) => setDraft(e.target.value)} />
        <button type="submit" className="button" disabled={!draft.trim()}>
          Add
        </button>
      </form>

      <label htmlFor={`${id}-det`}>Detector (when neither COCO nor your list knows the image)</label>
      <select id={`${id}-det`} value={detectorId} onChange={(e) => setDetectorId(e.target.value)}>
        {DETECTOR_CATALOG.map((d) => (
          <option key={d.id} value={d.id}>
            {d.label}
          </option>
        ))}
      </select>
      <div className="field field--inline">
        <label htmlFor={`${id}-thr`}>Detector threshold {threshold.toFixed(2)}</label>
        <input
          id={`${id}-thr`}
          type="range"
          min={0.05}
          max={1}
          step={0.05}
          value={threshold}
          onChange={(e) => setDetectionThreshold(e.target.valueAsNumber)}
        />
      </div>
      {synthetic && (
        <p className="notice notice--info" data-testid="detector-notice">
          {SYNTHETIC_DETECTOR_NOTICE}
        </p>
      )}
      {view?.detection?.phase === 'failed' && view.detection.error && (
        <ErrorNotice error={view.detection.error} fallbackTitle="The detector failed" />
      )}
      <small>
        Words are checked with the CHAIR rules (synonyms, plurals, two-word objects). Grounded words show their
        evidence; hover one to see its boxes.
      </small>
    </section>
  );
}
