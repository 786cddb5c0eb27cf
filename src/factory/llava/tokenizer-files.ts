// tokenizer.json (a WordLevel model over the synthetic vocabulary) and tokenizer_config.json with a chat
// template that produces the LLaVA-1.5 form `USER: <image>\n{text} ASSISTANT:`.
import { tokenizerConfigJson as tokenizerConfig, wordLevelTokenizerJson } from '../word-level-tokenizer';
import { SPECIAL_IDS, SPECIAL_TOKENS, VOCABULARY, vocabularyOfSize } from './vocabulary';

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
  const bos = SPECIAL_TOKENS.bos;
  return wordLevelTokenizerJson(vocabularyOfSize(vocabSize), SPECIALS, SPECIAL_TOKENS.unk, {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [
      { SpecialToken: { id: bos, type_id: 0 } },
      { Sequence: { id: 'A', type_id: 0 } },
      { Sequence: { id: 'B', type_id: 1 } },
    ],
    special_tokens: { [bos]: { id: bos, ids: [SPECIAL_IDS.bos], tokens: [bos] } },
  });
}

export function tokenizerConfigJson(maxLength: number): unknown {
  return tokenizerConfig({
    processorClass: 'LlavaProcessor',
    vocabulary: VOCABULARY,
    specials: SPECIALS,
    bos: SPECIAL_TOKENS.bos,
    eos: SPECIAL_TOKENS.eos,
    unk: SPECIAL_TOKENS.unk,
    pad: SPECIAL_TOKENS.pad,
    addBosToken: true,
    maxLength,
    chatTemplate: CHAT_TEMPLATE,
  });
}
