import {
  RUN_EXPORT_KIND,
  RUN_EXPORT_SCHEMA_VERSION,
  type ExportedCaption,
  type ExportedCaptionLabels,
  type ExportedEvidence,
  type ExportedLabels,
  type RunExportV1,
} from '../core/export/run-export';
import type { CaptionLabels } from '../core/caption-objects/matcher';
import { METHODS } from '../core/methods/registry';
import type { GroundTruthEvidence } from '../core/labels/ground-truth';
import { captionLabels, groundTruthView } from './labels-derive';
import type { CaptionKind } from '../protocol/messages';
import { captionText, shareOnOutliers } from './derive';
import { tokenKey, type LensState } from './store';

const nullIfNaN = (x: number): number | null => (Number.isFinite(x) ? x : null);

function exportEvidence(evidence: GroundTruthEvidence): ExportedEvidence {
  if (evidence.kind !== 'detector') return { ...evidence };
  return {
    kind: 'detector',
    detections: evidence.detections.map((d) => ({ label: d.label, confidence: d.confidence, box: { ...d.box } })),
  };
}

function exportCaptionLabels(labels: CaptionLabels): ExportedCaptionLabels {
  return {
    words: labels.labels.map((l) => ({
      kind: l.kind,
      start: l.start,
      end: l.end,
      text: labels.caption.slice(l.start, l.end),
      node: l.kind === 'unverifiable' ? null : l.mention.node,
      evidence: l.kind === 'grounded' ? exportEvidence(l.evidence) : null,
    })),
    counts: { ...labels.counts },
    chair: {
      chairS: nullIfNaN(labels.scores.chairS),
      chairI: nullIfNaN(labels.scores.chairI),
      recall: nullIfNaN(labels.scores.recall),
    },
  };
}

/** Both captions' object labels and the ground truth behind them; undefined while the labeller loads. */
function exportLabels(state: LensState): ExportedLabels | undefined {
  const truth = groundTruthView(state)?.truth;
  const baseline = captionLabels(state, 'baseline');
  const damro = captionLabels(state, 'damro');
  if (!baseline || !damro) return undefined;
  return {
    source: truth?.kind ?? null,
    objects: truth ? [...truth.objects].map(([node, evidence]) => ({ node, evidence: exportEvidence(evidence) })) : [],
    captions: { baseline: exportCaptionLabels(baseline), damro: exportCaptionLabels(damro) },
  };
}

/** The current run as a version-1 export, or undefined while there is no run with outliers to export. */
export function buildRunExport(state: LensState): RunExportV1 | undefined {
  const { run, model, image, attention } = state;
  const info = model.info;
  if (!info || !image || !run.recipe || !run.outliers) return undefined;
  const outliers = Array.from(run.outliers.indices);
  const caption = (kind: CaptionKind): ExportedCaption => {
    const c = run.captions[kind];
    return {
      text: captionText(c.tokens),
      stopReason: c.done ?? null,
      tokens: c.tokens.map((t) => {
        const frame = attention.frames[tokenKey({ caption: kind, step: t.step })];
        return {
          step: t.step,
          tokenId: t.tokenId,
          text: t.text,
          outlierShare: frame ? nullIfNaN(shareOnOutliers(frame.values, outliers)) : null,
          attention: frame ? Array.from(frame.values) : null,
        };
      }),
    };
  };
  const { recipe } = run;
  const labels = exportLabels(state);
  return {
    schemaVersion: RUN_EXPORT_SCHEMA_VERSION,
    kind: RUN_EXPORT_KIND,
    model: {
      id: info.id,
      dtype: info.dtype,
      sessionDtypes: { ...info.sessionDtypes },
      backend: info.backend,
      family: info.family,
      synthetic: info.synthetic,
      tokenGrid: { rows: run.outliers.grid.rows, cols: run.outliers.grid.cols },
      decoder: { layers: info.decoder.layers, heads: info.decoder.heads },
      processor: info.processor,
      ...(info.cpuWeights && { cpuWeights: info.cpuWeights }),
    },
    scorer: run.outliers.scorer,
    settings: {
      ...recipe.damro,
      mode: recipe.mode,
      seed: recipe.mode === 'sample' ? recipe.seed : null,
      maxNewTokens: recipe.maxNewTokens,
      prompt: recipe.prompt,
      attention: recipe.attention,
    },
    image: { name: image.name, mime: image.mime, width: image.width, height: image.height },
    outliers: { indices: outliers, scores: Array.from(run.outliers.scores) },
    captions: { baseline: caption('baseline'), damro: caption('damro') },
    steps: run.steps.map((s) => ({ ...s, cutoff: Number.isFinite(s.cutoff) ? s.cutoff : null })),
    groundTruth: labels ? labels.objects.map((o) => o.node) : [],
    ...(labels && { labels }),
    ...(recipe.methods && {
      methods: recipe.methods.map(({ method, params }) => {
        const c = run.methodCaptions?.[method] ?? { tokens: [] };
        return {
          method,
          label: METHODS[method].label,
          source: METHODS[method].citation.url,
          params,
          caption: {
            text: captionText(c.tokens),
            stopReason: c.done ?? null,
            tokens: c.tokens.map((t) => ({
              step: t.step,
              tokenId: t.tokenId,
              text: t.text,
              outlierShare: null,
              attention: null,
            })),
          },
        };
      }),
    }),
  };
}
