// The checks a captioning request passes where it enters the worker (src/engine/engine.ts), once: the decode loop and
// damroScores then trust α, β and the token budget. k is checked against the model's image tokens where those are
// known, when the outliers are picked (selectOutliers).
import { LensError } from '../../protocol/errors';
import type { DamroSettings, EvalImageParams, RunParams } from '../../protocol/messages';
import { methodChoice } from '../methods/registry';

const MAX_NEW_TOKENS = 1024;

/** What is wrong with DAMRO's settings and the token budget, one phrase per problem; empty when they can be used. */
export function decodingProblems(damro: DamroSettings, maxNewTokens: number): string[] {
  const problems: string[] = [];
  if (!(damro.alpha >= 0 && Number.isFinite(damro.alpha))) problems.push(`α must be ≥ 0 (got ${damro.alpha})`);
  if (!(damro.beta >= 0 && damro.beta <= 1)) problems.push(`β must be in [0, 1] (got ${damro.beta})`);
  if (!Number.isInteger(damro.k)) problems.push(`k must be a whole number (got ${damro.k})`);
  if (!(Number.isInteger(maxNewTokens) && maxNewTokens >= 1 && maxNewTokens <= MAX_NEW_TOKENS))
    problems.push(`max new tokens must be 1–${MAX_NEW_TOKENS} (got ${maxNewTokens})`);
  return problems;
}

function refuse(action: string, problems: readonly string[]): void {
  if (problems.length) throw new LensError('bad-request', `${action}: ${problems.join('; ')}.`);
}

/** Throws one 'bad-request' LensError naming every reason an interactive run cannot start. */
export function validateRunParams(params: RunParams): void {
  const problems: string[] = [];
  if (!params.prompt.trim()) problems.push('the prompt is empty');
  if (params.captions.length === 0) problems.push('no caption was asked for (baseline, DAMRO or both)');
  refuse('Cannot start the run', [...problems, ...decodingProblems(params.damro, params.maxNewTokens)]);
  const methods = params.methods ?? [];
  if (new Set(methods.map((m) => m.method)).size !== methods.length)
    throw new LensError('bad-request', 'Cannot start the run: a compared method is listed twice.');
  methods.forEach(methodChoice);
}

/** Throws one 'bad-request' LensError naming every reason a benchmark call about one image cannot start. */
export function validateEvalImageParams(params: EvalImageParams): void {
  const problems: string[] = [];
  if (params.items.length === 0) problems.push('no question was given for this image');
  for (const item of params.items) if (!item.prompt.trim()) problems.push(`question ${item.key} has an empty prompt`);
  refuse('Cannot answer the benchmark questions', [
    ...problems,
    ...decodingProblems(params.damro, params.maxNewTokens),
  ]);
}
