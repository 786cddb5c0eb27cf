// The benchmark panel's dependencies in the browser: the shared worker client, IndexedDB, the question lists
// the site serves (public/data/), and CHAIR scoring through the caption labeller's resources.
import type { EngineClient } from '../client/engine-client';
import { createEvalController } from '../controllers/eval-controller';
import type { EvalController } from '../controllers/eval-controller';
import { indexedDbAnswers, memoryAnswers } from '../client/eval-storage';
import { localKeyStore, memoryKeyStore } from '../client/judge-key-store';
import type { Outputs } from '../core/eval/answers';
import { chairLabeller } from '../core/evidence/run-evidence';
import type { Judgement } from '../core/eval/judge';
import { groundTruthNodes } from '../core/labels/ground-truth';
import { store } from '../state/store';
import { ensureLabeller } from './labeller';

export function browserEvalController(client: EngineClient, siteRoot: URL): EvalController {
  return createEvalController({
    client,
    storage: typeof indexedDB === 'undefined' ? memoryAnswers<Outputs>() : indexedDbAnswers<Outputs>(indexedDB),
    judgements: typeof indexedDB === 'undefined' ? memoryAnswers<Judgement>() : indexedDbAnswers<Judgement>(indexedDB),
    keys: typeof localStorage === 'undefined' ? memoryKeyStore() : localKeyStore(localStorage),
    async fetchServed(path) {
      const response = await fetch(new URL(`data/${path}`, siteRoot));
      // Static hosts often answer a missing path with the site's index.html: that is not a question list.
      const html = response.headers.get('content-type')?.startsWith('text/html') ?? false;
      return response.ok && !html ? response.text() : undefined;
    },
    async chairContext(imageIds) {
      await ensureLabeller(siteRoot);
      const labeller = store.getState().labels.labeller;
      if (labeller.phase !== 'ready') return undefined;
      const { extract, coco } = labeller.resources;
      const truths = new Map(
        await Promise.all(imageIds.map(async (id) => [id, await coco.resolve({ cocoId: id })] as const)),
      );
      return {
        nodesOf: (caption) => extract(caption).mentions.map((m) => m.node),
        groundTruth: (id) => {
          const truth = truths.get(id);
          return truth ? groundTruthNodes(truth) : undefined;
        },
      };
    },
    evidenceLabeller() {
      const labeller = store.getState().labels.labeller;
      if (labeller.phase !== 'ready') return undefined;
      const { extract, coco } = labeller.resources;
      return chairLabeller(extract, (image) => coco.resolve({ fileName: image }));
    },
  });
}
