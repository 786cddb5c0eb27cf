// The image in a family's prompt: the chat template's one image placeholder expanded to the image's tokens, and the
// run of image token ids the tokenizer must keep where the expansion stands.
import { LensError } from '../../protocol/errors';
import type { PromptIds } from './image-text-model';

/** `text` with the one image `placeholder` the chat template wrote replaced by `expansion`. */
export function expandImagePlaceholder(text: string, placeholder: string, expansion: string): string {
  const parts = text.split(placeholder);
  if (parts.length !== 2)
    throw new LensError(
      'unsupported-model',
      `The chat template must place exactly one ${placeholder} in the prompt; it placed ${parts.length - 1}.`,
    );
  return parts.join(expansion);
}

/**
 * The prompt's ids with its image tokens located: exactly `count` consecutive `imageTokenId`s. Otherwise the
 * tokenizer is not understood; `token` and `idSource` (where the id comes from; "id" by default) name them.
 */
export function locateImageTokens(
  ids: number[],
  imageTokenId: number,
  count: number,
  { token, family, idSource = 'id' }: { token: string; family: string; idSource?: string },
): PromptIds {
  const start = ids.indexOf(imageTokenId);
  const kept = ids.lastIndexOf(imageTokenId) - start + 1;
  if (start < 0 || kept !== count || ids.slice(start, start + kept).some((id) => id !== imageTokenId)) {
    throw new LensError(
      'unsupported-model',
      `The tokenizer did not keep ${count} consecutive ${token} tokens (${idSource} ${imageTokenId}); this ${family} export's tokenizer is not understood.`,
    );
  }
  return { ids, start, count };
}
