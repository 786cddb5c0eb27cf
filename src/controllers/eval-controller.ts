// The benchmark panel's commands: read the question list (served, or from the picked folder for MME), find the
// images among the picked files, and drive the worker image by image through the shared eval loop, keeping
// answers in IndexedDB so that pause, reload and resume lose nothing. GPT-4V-aided runs then send each item to
// the judge the person named, once they agreed to (asked the first time a run would send to that endpoint,
// before anything runs); its verdicts are kept the same way.
import { mergeAnswers, type Outputs } from '../core/eval/answers';
import { runMethods, type EvalItem, type ScoreContext, type SourceFiles } from '../core/eval/benchmark';
import { benchmarkOf } from '../core/eval/benchmarks';
import { driveEval, type EvalEngine } from '../core/eval/driver';
import { locateImages, sniffImageMime } from '../core/eval/images';
import { groupByImage, limitItems, pendingItems } from '../core/eval/items';
import type { Judgement } from '../core/eval/judge';
import { driveJudge } from '../core/eval/judge-driver';
import { paperPreset } from '../core/eval/presets';
import { runName, type EvalRunConfig } from '../core/eval/run-config';
import { runEvidence, type CaptionLabeller } from '../core/evidence/run-evidence';
import type { ItemEvidence } from '../protocol/evidence';
import { evidenceComputed } from '../state/evidence-actions';
import { LensError, wireErrorOf } from '../protocol/errors';
import {
  evalFailed,
  evalFinished,
  evalFolderChosen,
  evalJudgeCost,
  evalJudgeProgressed,
  evalKept,
  evalPhase,
  evalProgressed,
} from '../state/eval-actions';
import { comparedMethods } from '../state/derive';
import { store } from '../state/store';
import type { EngineClient } from '../client/engine-client';
import type { AnswerStorage } from '../client/eval-storage';
import type { KeyStore } from '../client/judge-key-store';
import { chatCompletionsUrl, createJudgeClient } from '../net/judge-client';

/** A picked file with its path inside the picked folder. */
export interface PickedFile {
  readonly path: string;
  readonly file: Blob;
}

/** The benchmark panel's commands. */
export interface EvalController {
  chooseFolder(name: string, files: readonly PickedFile[]): void;
  /** Looks up how many answers of the current settings are kept (after a reload, a change of settings or model). */
  checkKept(): Promise<void>;
  start(): Promise<void>;
  pause(): void;
  cancel(): Promise<void>;
  /** Forgets the kept answers of the current settings (and the current judge's verdicts on them). */
  discard(): Promise<void>;
  /** The judge's API key, in memory; `remember` also keeps it in this browser's storage (and forgetting removes it). */
  setJudgeKey(key: string, remember: boolean): void;
  judgeKey(): { readonly key: string; readonly remembered: boolean };
  /** The person's answer to the consent question of the run waiting in phase 'consent'. */
  answerConsent(agreed: boolean): void;
}

export interface EvalDeps {
  readonly client: EngineClient;
  readonly storage: AnswerStorage<Outputs>;
  /** The judge's verdicts, kept like the answers (under a run name that includes the judge). */
  readonly judgements: AnswerStorage<Judgement>;
  readonly keys: KeyStore;
  /** Text of a served question list (public/data/<path>), or undefined when not served. */
  readonly fetchServed: (path: string) => Promise<string | undefined>;
  /** CHAIR's extractor and the ground truth of these images (the caption labeller's), once it has loaded. */
  readonly chairContext: (imageIds: readonly number[]) => Promise<ScoreContext['chair'] | undefined>;
  /**
   * CHAIR's word labels for the hallucination evidence, once the labeller has loaded; without it no evidence is
   * computed.
   */
  readonly evidenceLabeller?: () => CaptionLabeller | undefined;
}

const JOB = 1;

/** The storage run of one judge's verdicts on one run's answers: the endpoint and model, never the key. */
const judgeRunName = (run: string, url: string, model: string) => `${run}|judge|${url}|${model}`;

/** The judge as the form names it, checked before anything runs. */
function currentJudge() {
  const { judge } = store.getState().evaluation.form;
  const url = chatCompletionsUrl(judge.baseUrl);
  if (!judge.model.trim())
    throw new LensError('bad-request', 'Name the judge model (e.g. gpt-4o, or the model your local server serves).');
  if (!(Number.isInteger(judge.concurrency) && judge.concurrency >= 1))
    throw new LensError('bad-request', 'Judge requests at once must be a whole number ≥ 1.');
  return { ...judge, model: judge.model.trim(), url };
}

function currentConfig(): EvalRunConfig {
  const { form } = store.getState().evaluation;
  const { model, settings } = store.getState();
  if (!model.info) throw new LensError('no-model', 'Load a model first; benchmarks run on the loaded model.');
  // The methods chosen under the captions are answered beside them, each a column of the results.
  const methods = comparedMethods(settings);
  const compared = methods ? { methods } : {};
  return {
    benchmark: form.benchmark,
    split: form.split,
    modelId: model.info.id,
    dtype: settings.dtype,
    settings: { ...(form.preset === 'paper' ? paperPreset(form.benchmark).settings : form.custom), ...compared },
    limit: form.limit > 0 ? form.limit : undefined,
  };
}

export function createEvalController(deps: EvalDeps): EvalController {
  let files: readonly PickedFile[] = [];
  let pausing = false;
  let cancelled = false;
  let apiKey = deps.keys.load() ?? '';
  /** Endpoints the person agreed to send images to in this session. */
  const agreed = new Set<string>();
  let consentAnswer: ((agreed: boolean) => void) | undefined;
  let judging: AbortController | undefined;
  let keptLookup = 0;
  // Evidence lives in this page's memory (IndexedDB keeps only the reference answers): answers resumed from an
  // earlier session have none, and the view says how many.
  const evidenceByRun = new Map<string, Map<string, ItemEvidence>>();
  /** Sets the kept count and makes any lookup still in flight stale. */
  const keptNow = (count: number) => {
    keptLookup++;
    evalKept(count);
  };

  async function questionFiles(config: EvalRunConfig): Promise<SourceFiles> {
    const entries = await Promise.all(
      benchmarkOf(config.benchmark)
        .sources(config.split)
        .map(async (path) => {
          const served = await deps.fetchServed(path);
          if (served !== undefined) return [path, served] as const;
          const name = path.slice(path.lastIndexOf('/') + 1);
          const picked = files.find((f) => f.path.endsWith(`/${name}`) || f.path === name);
          if (!picked)
            throw new LensError(
              'bad-request',
              `The question list ${name} is not served by this site; put it in the folder you pick (MME: the Your_Results category files).`,
            );
          return [path, await picked.file.text()] as const;
        }),
    );
    return Object.fromEntries(entries);
  }

  const engine: EvalEngine = {
    answerImage: (params) =>
      deps.client.call('eval/image', params, params.image.kind === 'encoded' ? [params.image.bytes] : []),
    cancel: (jobId) => deps.client.call('eval/cancel', { jobId }),
  };

  async function score(
    config: EvalRunConfig,
    items: readonly EvalItem[],
    answers: ReadonlyMap<string, Outputs>,
    judgements?: ReadonlyMap<string, Judgement>,
  ): Promise<void> {
    const chair =
      config.benchmark === 'chair' ? await deps.chairContext(items.map((item) => Number(item.key))) : undefined;
    const context: ScoreContext = { popeRule: store.getState().evaluation.form.popeRule, chair, judgements };
    if (config.benchmark === 'chair' && !context.chair)
      throw new LensError(
        'bad-request',
        'CHAIR scoring needs the caption labeller, which is still loading; press Start again in a moment.',
      );
    const outputs = mergeAnswers(items, [{ name: 'this browser', answers }], runMethods(config.settings.methods));
    evalFinished(benchmarkOf(config.benchmark).score(items, outputs, config.split, context));
    const label = deps.evidenceLabeller?.();
    if (config.benchmark === 'chair' && label) {
      const kept = evidenceByRun.get(runName(config));
      const evidenceItems = items.map((item) => ({
        image: item.image,
        outputs: answers.get(item.key)!,
        evidence: kept?.get(item.key),
      }));
      const folder = store.getState().evaluation.folder?.name ?? 'the chosen folder';
      evidenceComputed('benchmark', {
        source: `CHAIR run over ${folder}: ${items.length} captions per method`,
        result: runEvidence(evidenceItems, label),
      });
    }
  }

  return {
    chooseFolder(name, picked) {
      files = picked;
      evalFolderChosen(name, picked.length);
    },

    async checkKept() {
      if (!store.getState().model.info) return;
      // Settings change faster than the database answers: only the latest lookup may set the count.
      const lookup = ++keptLookup;
      try {
        const kept = await deps.storage.count(runName(currentConfig()));
        if (lookup === keptLookup) evalKept(kept);
      } catch {
        // A refused database is reported when a run starts, with what to do; here there is nothing to show.
      }
    },

    async start() {
      pausing = false;
      cancelled = false;
      evalPhase('preparing');
      try {
        const config = currentConfig();
        const run = runName(config);
        const benchmark = benchmarkOf(config.benchmark);
        const items = limitItems(benchmark.parse(await questionFiles(config), config.split), config.limit);
        const lookup = locateImages(
          items,
          files.map((f) => f.path),
        );
        if (lookup.missing.length)
          throw new LensError(
            'bad-request',
            `The chosen folder lacks ${lookup.missing.length} image(s) of this benchmark (e.g. ${lookup.missing[0]}); choose the folder that holds them.`,
          );
        if (lookup.ambiguous.length)
          throw new LensError(
            'bad-request',
            `${lookup.ambiguous[0]} is in the chosen folder more than once; choose a folder where each image name appears once.`,
          );
        const byPath = new Map(files.map((f) => [f.path, f.file]));
        const readImage = async (path: string) => {
          const bytes = await byPath.get(path)!.arrayBuffer();
          return {
            kind: 'encoded' as const,
            bytes,
            mime: sniffImageMime(new Uint8Array(bytes)) ?? byPath.get(path)!.type,
          };
        };
        const answered = await deps.storage.load(run);
        const judge = config.benchmark === 'gpt4v' ? currentJudge() : undefined;
        const judgeRun = judge && judgeRunName(run, judge.url, judge.model);
        const judged = judgeRun ? await deps.judgements.load(judgeRun) : new Map<string, Judgement>();
        if (judge) {
          const pending = pendingItems(items, new Set(judged.keys()));
          const ask = pending.length > 0 && !agreed.has(judge.url);
          evalJudgeCost(
            { url: judge.url, model: judge.model, requests: pending.length, images: groupByImage(pending).length },
            ask,
          );
          if (ask) {
            if (!(await new Promise<boolean>((resolve) => (consentAnswer = resolve)))) return evalPhase('cancelled');
            agreed.add(judge.url);
          }
        }
        evalPhase('running');
        const outcome = await driveEval(
          {
            items,
            answered: new Set(answered.keys()),
            imagePaths: lookup.paths,
            settings: config.settings,
            jobId: JOB,
            evidence: config.benchmark === 'chair',
          },
          {
            engine,
            readImage,
            async save(answers) {
              await deps.storage.save(
                run,
                answers.map(({ item, outputs }) => ({ key: item.key, outputs })),
              );
              for (const { item, outputs } of answers) answered.set(item.key, outputs);
              const kept = evidenceByRun.get(run) ?? new Map<string, ItemEvidence>();
              for (const { item, evidence } of answers) if (evidence) kept.set(item.key, evidence);
              evidenceByRun.set(run, kept);
              keptNow(answered.size);
            },
            onProgress: evalProgressed,
            now: () => performance.now(),
          },
          { shouldPause: () => pausing, isCancelled: () => cancelled },
        );
        if (outcome !== 'complete') return evalPhase(outcome);
        if (!judge || !judgeRun) return await score(config, items, answered);
        evalPhase(pausing ? 'pausing' : 'judging');
        judging = new AbortController();
        const signal = judging.signal;
        const client = createJudgeClient({ baseUrl: judge.baseUrl, model: judge.model, apiKey });
        const judgeOutcome = await driveJudge(
          {
            items,
            answers: answered,
            judged: new Set(judged.keys()),
            imagePaths: lookup.paths,
            concurrency: judge.concurrency,
          },
          {
            ask: (prompt, image) => client.ask(prompt, image, signal),
            readImage,
            async save(judgement) {
              await deps.judgements.save(judgeRun, [{ key: judgement.key, outputs: judgement }]);
              judged.set(judgement.key, judgement);
            },
            onProgress: evalJudgeProgressed,
            now: () => performance.now(),
          },
          { shouldStop: () => pausing || cancelled },
        );
        if (judgeOutcome === 'complete') await score(config, items, answered, judged);
        else evalPhase(cancelled ? 'cancelled' : 'paused');
      } catch (error) {
        if (cancelled) evalPhase('cancelled');
        else evalFailed(wireErrorOf(error));
      } finally {
        consentAnswer = undefined;
        judging = undefined;
      }
    },

    pause() {
      pausing = true;
      evalPhase('pausing');
    },

    async cancel() {
      cancelled = true;
      consentAnswer?.(false);
      judging?.abort(new LensError('bad-request', 'Cancelled.'));
      await engine.cancel(JOB);
    },

    async discard() {
      const config = currentConfig();
      const run = runName(config);
      await deps.storage.clear(run);
      if (config.benchmark === 'gpt4v' && store.getState().evaluation.form.judge.baseUrl.trim()) {
        const judge = currentJudge();
        await deps.judgements.clear(judgeRunName(run, judge.url, judge.model));
      }
      keptNow(0);
      evalPhase('idle');
    },

    setJudgeKey(key, remember) {
      apiKey = key;
      if (remember && key) deps.keys.save(key);
      else deps.keys.forget();
    },

    judgeKey: () => ({ key: apiKey, remembered: deps.keys.load() !== undefined }),

    answerConsent(yes) {
      consentAnswer?.(yes);
      consentAnswer = undefined;
    },
  };
}
