// tokenizer.json and tokenizer_config.json of the synthetic models: a WordLevel model over a readable vocabulary
// (lower-cased, split on whitespace) with its special tokens added, as transformers.js's PreTrainedTokenizer reads
// them. The families differ in their vocabulary, their specials, what is added around the text and the template.

/** `vocabulary` lists the tokens by id; `postProcessor` adds tokens around the text (null: the template does). */
export function wordLevelTokenizerJson(
  vocabulary: readonly string[],
  specials: readonly string[],
  unk: string,
  postProcessor: unknown,
): unknown {
  const vocab = Object.fromEntries(vocabulary.map((token, id) => [token, id]));
  const addedTokens = specials.map((content) => ({
    id: vocab[content],
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: postProcessor,
    // WordPiece's decoder joins words with spaces and, with cleanup, removes the space before punctuation.
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordLevel', vocab, unk_token: unk },
  };
}

export interface TokenizerConfig {
  readonly processorClass: string;
  readonly vocabulary: readonly string[];
  readonly specials: readonly string[];
  readonly bos: string;
  readonly eos: string;
  readonly unk: string;
  readonly pad: string;
  readonly addBosToken: boolean;
  readonly maxLength: number;
  /** Further named tokens the processor reads (Gemma 3's boi_token, eoi_token, image_token). */
  readonly namedTokens?: Readonly<Record<string, string>>;
  /** Absent where the export ships chat_template.jinja instead. */
  readonly chatTemplate?: string;
}

export function tokenizerConfigJson(c: TokenizerConfig): unknown {
  const addedTokensDecoder = Object.fromEntries(
    c.specials.map((content) => [
      String(c.vocabulary.indexOf(content)),
      { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true },
    ]),
  );
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    processor_class: c.processorClass,
    // Plain strings: transformers.js crashes on unknown words when these are given in the dictionary form.
    bos_token: c.bos,
    eos_token: c.eos,
    unk_token: c.unk,
    pad_token: c.pad,
    ...c.namedTokens,
    add_bos_token: c.addBosToken,
    add_eos_token: false,
    clean_up_tokenization_spaces: false,
    model_max_length: c.maxLength,
    padding_side: 'left',
    added_tokens_decoder: addedTokensDecoder,
    ...(c.chatTemplate !== undefined && { chat_template: c.chatTemplate }),
  };
}

/** A family whose processor or chat template writes the start token itself, so nothing is added around the text. */
export interface TemplatedTokenizer {
  readonly processorClass: string;
  readonly vocabulary: readonly string[];
  /** The special tokens by role, all of them added tokens in this order; `unk` and `pad` are the tokenizer's. */
  readonly specials: Readonly<Record<string, string>> & { readonly unk: string; readonly pad: string };
  readonly bos: string;
  readonly eos: string;
  readonly namedTokens?: TokenizerConfig['namedTokens'];
  readonly chatTemplate?: string;
}

export const templatedTokenizerJson = (t: TemplatedTokenizer): unknown =>
  wordLevelTokenizerJson(t.vocabulary, Object.values(t.specials), t.specials.unk, null);

export const templatedTokenizerConfigJson = (t: TemplatedTokenizer, maxLength: number): unknown =>
  tokenizerConfigJson({
    ...t,
    specials: Object.values(t.specials),
    unk: t.specials.unk,
    pad: t.specials.pad,
    addBosToken: false,
    maxLength,
  });
