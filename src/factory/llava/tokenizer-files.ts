// tokenizer.json (a WordLevel model over the synthetic vocabulary) and tokenizer_config.json with a chat
// template that produces the LLaVA-1.5 form `USER: <image>\n{text} ASSISTANT:`.
import { SPECIAL_TOKENS, VOCABULARY, vocabularyOfSize } from './vocabulary';

const SPECIALS = Object.values(SPECIAL_TOKENS) as string[];

// Messages are transformers-style: content is a string or a list of {type: 'image'} / {type: 'text', text}.
export const CHAT_TEMPLATE =
  '{%- for message in messages -%}' +
  "{%- if message['role'] == 'user' -%}{{ 'USER: ' }}" +
  "{%- if message['content'] is string -%}{{ message['content'] }}" +
  "{%- else -%}{%- for part in message['content'] -%}" +
  "{%- if part['type'] == 'image' -%}{{ '<image>\\n' }}{%- elif part['type'] == 'text' -%}{{ part['text'] }}{%- endif -%}" +
  "{%- endfor -%}{%- endif -%}{{ ' ' }}" +
  "{%- else -%}{{ 'ASSISTANT: ' }}" +
  "{%- if message['content'] is string -%}{{ message['content'] }}" +
  "{%- else -%}{%- for part in message['content'] -%}{{ part['text'] }}{%- endfor -%}{%- endif -%}{{ '</s>' }}" +
  '{%- endif -%}' +
  '{%- endfor -%}' +
  "{%- if add_generation_prompt -%}{{ 'ASSISTANT:' }}{%- endif -%}";

export function tokenizerJson(vocabSize = VOCABULARY.length): unknown {
  const vocab = Object.fromEntries(vocabularyOfSize(vocabSize).map((token, id) => [token, id]));
  const addedTokens = SPECIALS.map((content) => ({
    id: vocab[content],
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  const bos = SPECIAL_TOKENS.bos;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: bos, type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
      ],
      special_tokens: { [bos]: { id: bos, ids: [vocab[bos]], tokens: [bos] } },
    },
    // WordPiece's decoder joins words with spaces and, with cleanup, removes the space before punctuation.
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordLevel', vocab, unk_token: SPECIAL_TOKENS.unk },
  };
}

export function tokenizerConfigJson(maxLength: number): unknown {
  const addedTokensDecoder = Object.fromEntries(
    SPECIALS.map((content) => [
      String(VOCABULARY.indexOf(content)),
      { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true },
    ]),
  );
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    processor_class: 'LlavaProcessor',
    // Plain strings: transformers.js crashes on unknown words when these are given in the dictionary form.
    bos_token: SPECIAL_TOKENS.bos,
    eos_token: SPECIAL_TOKENS.eos,
    unk_token: SPECIAL_TOKENS.unk,
    pad_token: SPECIAL_TOKENS.pad,
    add_bos_token: true,
    add_eos_token: false,
    clean_up_tokenization_spaces: false,
    model_max_length: maxLength,
    padding_side: 'left',
    added_tokens_decoder: addedTokensDecoder,
    chat_template: CHAT_TEMPLATE,
  };
}
