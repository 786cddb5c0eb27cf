import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layer rules are only worth having if they fire; lint virtual files at real paths and look at the verdicts.
const eslint = new ESLint({ cwd: new URL('../../..', import.meta.url).pathname });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals')
    .map((m) => m.message);
}

describe('layer boundaries', () => {
  it.each([
    ['src/core/x.ts', "import { useState } from 'react';\nexport const s = useState;", /no React/],
    [
      'src/core/x.ts',
      "import * as ort from 'onnxruntime-web/webgpu';\nexport const o = ort;",
      /Only src\/engine\/runtime\/ort.ts/,
    ],
    [
      'src/core/x.ts',
      "import { env } from '@huggingface/transformers';\nexport const e = env;",
      /Only src\/engine\/runtime\/hf.ts/,
    ],
    [
      'src/core/x.ts',
      "import { x } from '../engine/engine';\nexport const y = x;",
      /src\/core may import only from protocol/,
    ],
    ['src/core/x.ts', 'export const w = document.title;', /pure/],
    ['src/viz/x.ts', "import { create } from 'zustand';\nexport const c = create;", /Only src\/state\/store.ts/],
    ['src/protocol/x.ts', "import { a } from '../core/a';\nexport const b = a;", /may import only from nothing/],
    [
      'src/engine/x.ts',
      "import { a } from '../state/store';\nexport const b = a;",
      /src\/engine may import only from core, protocol/,
    ],
    [
      'src/components/x.ts',
      "import * as ort from 'onnxruntime-web';\nexport const o = ort;",
      /Only src\/engine\/runtime\/ort.ts/,
    ],
    [
      'src/net/x.ts',
      "import { a } from '../state/store';\nexport const b = a;",
      /src\/net may import only from core, protocol/,
    ],
    [
      'src/core/x.ts',
      "import { a } from '../net/judge-client';\nexport const b = a;",
      /src\/core may import only from protocol/,
    ],
    [
      'src/components/x.ts',
      "import { a } from '../net/judge-client';\nexport const b = a;",
      /src\/components may import only from/,
    ],
    [
      'src/client/x.ts',
      "import { store } from '../state/store';\nexport const s = store;",
      /src\/client may import only from protocol/,
    ],
    [
      'src/state/x.ts',
      "import { createLensController } from '../controllers/lens-controller';\nexport const c = createLensController;",
      /src\/state may import only from protocol, core/,
    ],
  ])('%s: %s is refused', async (path, code, message) => {
    const messages = await restricted(path, code);
    expect(
      messages.some((m) => message.test(m)),
      messages.join('\n'),
    ).toBe(true);
  });

  it.each([
    ['src/engine/runtime/ort.ts', "import * as ort from 'onnxruntime-web/webgpu';\nexport const o = ort;"],
    ['src/engine/runtime/hf.ts', "import { env } from '@huggingface/transformers';\nexport const e = env;"],
    ['src/core/x.ts', "import type { WireError } from '../protocol/errors';\nexport type W = WireError;"],
    ['src/components/x.ts', "import { useLens } from '../state/store';\nexport const u = useLens;"],
    ['src/app/x.ts', "import { createJudgeClient } from '../net/judge-client';\nexport const c = createJudgeClient;"],
    ['src/cli/x.ts', "import { createJudgeClient } from '../net/judge-client';\nexport const c = createJudgeClient;"],
    [
      'src/controllers/x.ts',
      "import { connectEngine } from '../client/engine-client';\nimport { store } from '../state/store';\nexport const c = [connectEngine, store];",
    ],
    [
      'src/components/x.ts',
      "import type { EvalController } from '../controllers/eval-controller';\nexport type E = EvalController;",
    ],
  ])('%s may do what its layer allows', async (path, code) => {
    expect(await restricted(path, code)).toEqual([]);
  });
});
