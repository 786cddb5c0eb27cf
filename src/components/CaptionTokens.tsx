import { useMemo, useRef, type KeyboardEvent } from 'react';
import type { CaptionLabels, ObjectWordKind } from '../core/caption-objects/matcher';
import type { CaptionKind } from '../protocol/messages';
import { focusEvidence } from '../state/label-actions';
import type { CaptionState } from '../state/store';
import { hoverToken, selectToken } from '../state/view-actions';

interface TokenMark {
  /** 'checking': a COCO object word whose ground truth is still being worked out. */
  readonly kind: ObjectWordKind | 'checking';
  /** The node word of a grounded or hallucinated mention. */
  readonly node?: string;
  readonly title: string;
}

function describeMark(label: CaptionLabels['labels'][number], pending: boolean): TokenMark {
  if (label.kind === 'unverifiable')
    return {
      kind: 'unverifiable',
      title: `unverifiable: "${label.text}" is not one of the 80 COCO objects CHAIR knows`,
    };
  const node = label.mention.node;
  if (label.kind === 'unchecked') {
    return pending
      ? {
          kind: 'checking',
          node,
          title: `checking: ${node} is a COCO object; the objects in this image are still being found`,
        }
      : {
          kind: 'unchecked',
          node,
          title: `not checked: ${node} is a COCO object, but nothing says which objects are in this image (add them under “Objects in the image”)`,
        };
  }
  if (label.kind === 'hallucinated')
    return { kind: 'hallucinated', node, title: `hallucinated: ${node} is not in the ground truth` };
  const ev = label.evidence;
  const why =
    ev.kind === 'detector'
      ? `detector, ${ev.detections.length} box${ev.detections.length === 1 ? '' : 'es'}, best ${ev.detections[0]?.confidence.toFixed(2)}`
      : ev.kind === 'coco-annotations'
        ? `COCO annotations of image ${ev.imageId}`
        : `your list ("${ev.entry}")`;
  return { kind: 'grounded', node, title: `grounded: ${node} (${why})` };
}

/** The object-word label over each token (a token takes the label its characters overlap). */
function tokenMarks(
  tokens: CaptionState['tokens'],
  labels: CaptionLabels | undefined,
  pending: boolean,
): (TokenMark | undefined)[] {
  if (!labels) return tokens.map(() => undefined);
  let offset = 0;
  return tokens.map((t) => {
    const start = offset;
    offset += t.text.length;
    const label = labels.labels.find((l) => l.start < offset && l.end > start && /\S/.test(t.text));
    return label && describeMark(label, pending);
  });
}

/** Leading spaces stay outside the word, so an object mark underlines the word only. */
function TokenText({ text }: { text: string }) {
  const word = text.trimStart();
  const space = text.slice(0, text.length - word.length);
  return (
    <>
      {space}
      <span className="token__word">{word}</span>
    </>
  );
}

interface Props {
  readonly caption: CaptionKind;
  readonly state: CaptionState;
  readonly selectedStep: number | undefined;
  /** Undefined while the labeller loads. */
  readonly labels: CaptionLabels | undefined;
  /** The image's ground truth is still being found. */
  readonly pending: boolean;
}

/**
 * A caption as one button per token: click pins a token, hover previews it, and the arrow keys move through
 * the caption with a single tab stop (roving tabindex). Hovering or clicking an object word highlights its
 * evidence boxes.
 */
export function CaptionTokens({ caption, state, selectedStep, labels, pending }: Props) {
  const marks = useMemo(() => tokenMarks(state.tokens, labels, pending), [state.tokens, labels, pending]);
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const focusable = selectedStep !== undefined && selectedStep < state.tokens.length ? selectedStep : 0;

  const onKeyDown = (event: KeyboardEvent, index: number) => {
    const last = state.tokens.length - 1;
    const next = {
      ArrowRight: index + 1,
      ArrowDown: index + 1,
      ArrowLeft: index - 1,
      ArrowUp: index - 1,
      Home: 0,
      End: last,
    }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = Math.max(0, Math.min(last, next));
    selectToken({ caption, step: state.tokens[target].step });
    focusEvidence(marks[target]?.node);
    buttons.current[target]?.focus();
  };

  return (
    <p className="caption__text" aria-label={`${caption} caption tokens`} onMouseLeave={() => hoverToken(undefined)}>
      {state.tokens.map((token, i) => (
        <button
          key={token.step}
          ref={(el) => {
            buttons.current[i] = el;
          }}
          type="button"
          className={`token${marks[i] ? ` token--${marks[i].kind}` : ''}`}
          aria-pressed={selectedStep === token.step}
          tabIndex={i === focusable ? 0 : -1}
          data-step={token.step}
          data-node={marks[i]?.node}
          title={marks[i]?.title}
          onClick={() => {
            selectToken({ caption, step: token.step });
            focusEvidence(marks[i]?.node);
          }}
          onMouseEnter={() => {
            hoverToken({ caption, step: token.step });
            if (marks[i]?.node) focusEvidence(marks[i].node);
          }}
          onFocus={() => hoverToken(undefined)}
          onKeyDown={(e) => onKeyDown(e, i)}
        >
          <TokenText text={token.text} />
        </button>
      ))}
    </p>
  );
}
