// What the benchmark prompts (src/core/damro-spec.md §1.5) become for a model prompted with task prefixes instead of
// a chat template (PaliGemma: "caption en", "answer en <question>"). The caption prompt becomes "caption en", a
// POPE or MME question loses its answer-format suffix and becomes "answer en <question>", and any other text is
// taken as the person's own task prompt, verbatim.
import { CHAIR_PROMPT } from './chair-benchmark';
import { POPE_SUFFIX } from './pope-benchmark';

/** MME's questions end in this (src/core/damro-spec.md §1.5). */
const MME_SUFFIX = ' Please answer yes or no.';

export function taskPrompt(prompt: string): string {
  if (prompt === CHAIR_PROMPT) return 'caption en';
  for (const suffix of [POPE_SUFFIX, MME_SUFFIX])
    if (prompt.endsWith(suffix)) return `answer en ${prompt.slice(0, -suffix.length)}`;
  return prompt;
}
