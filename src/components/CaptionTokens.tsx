import { useMemo, useRef, type KeyboardEvent } from 'react';
import type { ObjectMatcher, ObjectWordKind } from '../core/caption-objects/matcher';
import type { CaptionKind } from '../protocol/messages';
import { captionText } from '../state/derive';
import type { CaptionState } from '../state/store';
import { hoverToken, selectToken } from '../state/view-actions';

/** The object-word label over each token (a token takes the label its characters overlap). */
function tokenKinds(tokens: CaptionState['tokens'], matcher: ObjectMatcher, groundTruth: readonly string[]): (ObjectWordKind | undefined)[] {
  const labels = matcher.label(captionText(tokens), groundTruth);
  let offset = 0;
  return tokens.map((t) => {
    const start = offset;
    offset += t.text.length;
    return labels.find((l) => l.start < offset && l.end > start && /\S/.test(t.text))?.kind;
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
  readonly matcher: ObjectMatcher;
  readonly groundTruth: readonly string[];
}

/**
 * A caption as one button per token: click pins a token, hover previews it, and the arrow keys move through
 * the caption with a single tab stop (roving tabindex).
 */
export function CaptionTokens({ caption, state, selectedStep, matcher, groundTruth }: Props) {
  const kinds = useMemo(() => tokenKinds(state.tokens, matcher, groundTruth), [state.tokens, matcher, groundTruth]);
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const focusable = selectedStep !== undefined && selectedStep < state.tokens.length ? selectedStep : 0;

  const onKeyDown = (event: KeyboardEvent, index: number) => {
    const last = state.tokens.length - 1;
    const next = { ArrowRight: index + 1, ArrowDown: index + 1, ArrowLeft: index - 1, ArrowUp: index - 1, Home: 0, End: last }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = Math.max(0, Math.min(last, next));
    selectToken({ caption, step: state.tokens[target].step });
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
          className={`token${kinds[i] ? ` token--${kinds[i]}` : ''}`}
          aria-pressed={selectedStep === token.step}
          tabIndex={i === focusable ? 0 : -1}
          data-step={token.step}
          title={kinds[i] ? `${kinds[i]} object word` : undefined}
          onClick={() => selectToken({ caption, step: token.step })}
          onMouseEnter={() => hoverToken({ caption, step: token.step })}
          onFocus={() => hoverToken(undefined)}
          onKeyDown={(e) => onKeyDown(e, i)}
        >
          <TokenText text={token.text} />
        </button>
      ))}
    </p>
  );
}
