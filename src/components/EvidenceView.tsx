import { useEffect, useMemo, useRef } from 'react';
import { groundTruthView } from '../state/labels-derive';
import { useLens } from '../state/store';
import { boxLayout, drawBoxes, type BoxInput } from '../viz/boxes';
import type { OverlayContext } from '../viz/overlay';
import { useLoadedImage } from './OverlayCanvas';

const DISPLAY_WIDTH = 480;

/** The detector's boxes kept as ground truth, over the image; the boxes of the hovered word's object stand out. */
export function EvidenceView() {
  const image = useLens((s) => s.image);
  const view = useLens(groundTruthView);
  const focus = useLens((s) => s.labels.focus);
  const canvas = useRef<HTMLCanvasElement>(null);
  const loaded = useLoadedImage(image?.url ?? '');
  const truth = view?.truth?.kind === 'detector' ? view.truth : undefined;

  const boxes = useMemo((): BoxInput[] => {
    if (!truth) return [];
    return [...truth.objects].flatMap(([node, ev]) =>
      ev.kind === 'detector'
        ? ev.detections.map((d) => ({ label: d.label, score: d.confidence, box: d.box, highlighted: node === focus }))
        : [],
    );
  }, [truth, focus]);
  const display = useMemo(
    () =>
      image
        ? {
            width: DISPLAY_WIDTH,
            height: Math.max(240, Math.min(640, Math.round((DISPLAY_WIDTH * image.height) / image.width))),
          }
        : undefined,
    [image],
  );
  const layout = useMemo(
    () => (image && display ? boxLayout(display, image, boxes) : undefined),
    [image, display, boxes],
  );

  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context || !layout) return;
    const scale = canvas.current!.width / layout.display.width;
    context.setTransform(scale, 0, 0, scale, 0, 0);
    drawBoxes(context as OverlayContext, layout, loaded);
  }, [layout, loaded]);

  if (!image || !display || !truth) return null;
  const highlighted = boxes.filter((b) => b.highlighted).length;
  const ratio = typeof devicePixelRatio === 'number' && devicePixelRatio > 0 ? Math.min(devicePixelRatio, 3) : 1;
  return (
    <section className="view" aria-label="Detector evidence">
      <h2>Ground truth: detector boxes</h2>
      <canvas
        ref={canvas}
        className="overlay"
        role="img"
        aria-label={`${boxes.length} detector boxes${focus ? `, ${highlighted} for ${focus} highlighted` : ''}`}
        data-testid="evidence-canvas"
        data-box-count={boxes.length}
        data-focus={focus ?? ''}
        data-highlighted-count={highlighted}
        width={Math.round(display.width * ratio)}
        height={Math.round(display.height * ratio)}
        style={{ aspectRatio: `${display.width} / ${display.height}` }}
      />
      <ul className="detections" aria-label="Detected objects">
        {boxes.map((b, i) => (
          <li key={i} className={b.highlighted ? 'detections__item detections__item--on' : 'detections__item'}>
            {b.label} {b.score.toFixed(2)}
          </li>
        ))}
      </ul>
    </section>
  );
}
