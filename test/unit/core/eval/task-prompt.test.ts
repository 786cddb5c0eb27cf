// The benchmark prompts as a task-prefix model (PaliGemma) is asked them, on the exact §1.5 strings.
import { describe, expect, it } from 'vitest';
import { taskPrompt } from '../../../../src/core/eval/task-prompt';

describe('taskPrompt', () => {
  it('asks CHAIR’s caption prompt as "caption en"', () => {
    expect(taskPrompt('Generate a short caption of this image.')).toBe('caption en');
  });

  it('asks a POPE question without its one-word suffix', () => {
    expect(taskPrompt('Is there a snowboard in the image? Please answer this question with one word.')).toBe(
      'answer en Is there a snowboard in the image?',
    );
  });

  it('asks an MME question without its yes-or-no suffix', () => {
    expect(taskPrompt('Is there a dog in this image? Please answer yes or no.')).toBe(
      'answer en Is there a dog in this image?',
    );
  });

  it('passes any other text through as the person’s own task prompt', () => {
    expect(taskPrompt('caption es')).toBe('caption es');
    expect(taskPrompt('Describe the image.')).toBe('Describe the image.');
  });
});
