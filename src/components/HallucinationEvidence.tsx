// The hallucination-evidence view: does the decoder look at the encoder's outliers when it writes a
// hallucinated object? Tables of the strongest-layer tests and the image facts, and the d3 charts (rendered as
// SVG by src/viz, the same markup the CLI writes), each exportable as SVG, PNG and its data as CSV. Every table row
// and chart series is one caption or compared method; the distributions show the method chosen (all pooled first).
import { useMemo, useState } from 'react';
import { comparisonsCsv, imageRecordsCsv, tokenRecordsCsv } from '../core/evidence/csv';
import { comparisonOf, EVIDENCE_MEASURES, summaryGroups, type MethodGroup } from '../core/evidence/summary';
import type { EvidenceSource } from '../state/evidence-actions';
import { useLens } from '../state/store';
import { evidenceCharts, methodGroupName, type EvidenceChart } from '../viz/evidence-charts';
import { download } from './download';

const fmt = (v: number | undefined, digits = 3) => (v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(digits));
const fmtP = (p: number | undefined) => (p === undefined ? 'n/a' : p < 1e-4 ? p.toExponential(1) : p.toFixed(4));
const SOURCES: readonly { readonly id: EvidenceSource; readonly label: string }[] = [
  { id: 'benchmark', label: 'the latest CHAIR run' },
  { id: 'session', label: 'captions made on this page' },
];

function savePng(chart: EvidenceChart): void {
  const image = new Image();
  image.onload = () => {
    const canvas = Object.assign(document.createElement('canvas'), {
      width: 2 * image.width,
      height: 2 * image.height,
    });
    const context = canvas.getContext('2d');
    if (!context) return;
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    canvas.toBlob((blob) => blob && download(blob, `damro-lens-${chart.id}.png`), 'image/png');
  };
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(chart.svg)}`;
}

const saveText = (text: string, type: string, name: string) => download(new Blob([text], { type }), name);

export function HallucinationEvidence() {
  const bySource = useLens((s) => s.hallucinationEvidence);
  const [chosen, setChosen] = useState<EvidenceSource>();
  const [chosenGroup, setChosenGroup] = useState<MethodGroup>('all');
  const available = SOURCES.filter((s) => bySource?.[s.id]);
  const source = chosen && bySource?.[chosen] ? chosen : available[0]?.id;
  const evidence = source && bySource?.[source];
  const groups = evidence ? summaryGroups(evidence.result.summary) : [];
  // A method chosen for another source's records falls back to all of them pooled.
  const group = groups.includes(chosenGroup) ? chosenGroup : 'all';
  const charts = useMemo(
    () => (evidence ? evidenceCharts(evidence.result.tokens, evidence.result.summary, group) : []),
    [evidence, group],
  );
  if (!evidence) return null;
  const { summary, skipped, tokens, images } = evidence.result;
  const i = summary.images;
  return (
    <section className="evidence-panel" aria-label="Hallucination evidence">
      <h3>Hallucination evidence</h3>
      {available.length > 1 && (
        <label>
          Evidence of
          <select value={source} onChange={(e) => setChosen(e.target.value as EvidenceSource)}>
            {available.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      )}
      <p>
        {evidence.source}. Does the decoder attend to the encoder&apos;s outlier tokens more when it writes a
        hallucinated object than a grounded one? Per decoder layer (heads averaged), hallucinated vs grounded words:
        difference of means with a 95% bootstrap interval, Mann–Whitney U test, rank-biserial effect; the layer of
        strongest separation is highlighted and its p-value is also given Bonferroni-corrected over the layers.
        {skipped.noEvidence
          ? ` ${skipped.noEvidence} captions answered in an earlier session carry no attention records and are left out.`
          : ''}
      </p>
      <table className="eval__table" aria-label="Strongest-layer tests">
        <thead>
          <tr>
            {[
              'measure',
              'method',
              'layer',
              'n hallucinated / grounded',
              'mean hallucinated',
              'mean grounded',
              'difference [95% CI]',
              'effect',
              'p',
              'p (Bonferroni)',
            ].map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {EVIDENCE_MEASURES.flatMap((measure) =>
            groups.map((method) => {
              const c = comparisonOf(summary, measure.name, method);
              const at = c.strongestLayer === undefined ? undefined : c.layers[c.strongestLayer];
              return (
                <tr key={`${measure.name}-${method}`} data-row={`${measure.name}-${method}`}>
                  <th scope="row">{measure.label}</th>
                  <td>{methodGroupName(method, groups)}</td>
                  <td>{at?.layer ?? 'n/a'}</td>
                  <td>{at ? `${at.nHallucinated} / ${at.nGrounded}` : 'n/a'}</td>
                  <td>{fmt(at?.meanHallucinated)}</td>
                  <td>{fmt(at?.meanGrounded)}</td>
                  <td>
                    {at
                      ? `${fmt(at.difference.estimate)} [${fmt(at.difference.low)}, ${fmt(at.difference.high)}]`
                      : 'n/a'}
                  </td>
                  <td>{fmt(at?.test?.effect)}</td>
                  <td data-p={at?.test?.p}>{fmtP(at?.test?.p)}</td>
                  <td>{fmtP(c.strongestAdjustedP)}</td>
                </tr>
              );
            }),
          )}
        </tbody>
      </table>
      <p aria-label="Image facts">
        {i.images} images: the encoder&apos;s top-k hold {fmt(i.meanTopKMass)} of its score on average; Spearman
        ρ(score, token norm) {fmt(i.meanScoreNormSpearman)}; {fmt(i.meanOutliersOnBorder)} of the outliers lie on the
        border (chance {fmt(i.meanBorderChance)})
        {i.imagesWithDetections
          ? `; ${fmt(i.meanOutliersOnBackground)} on background (chance ${fmt(i.meanBackgroundChance)}, ${i.imagesWithDetections} images with detections)`
          : ''}
        .
      </p>
      <label>
        Distributions of
        <select value={group} onChange={(e) => setChosenGroup(e.target.value as MethodGroup)}>
          {groups.map((g) => (
            <option key={g} value={g}>
              {methodGroupName(g, groups)}
            </option>
          ))}
        </select>
      </label>
      <div className="evidence-panel__charts">
        {charts.map((chart) => (
          <figure key={chart.id} className="evidence-panel__chart" data-chart={chart.id}>
            <div dangerouslySetInnerHTML={{ __html: chart.svg }} />
            <figcaption className="row">
              <button
                type="button"
                className="button"
                onClick={() => saveText(chart.svg, 'image/svg+xml', `damro-lens-${chart.id}.svg`)}
              >
                SVG
              </button>
              <button type="button" className="button" onClick={() => savePng(chart)}>
                PNG
              </button>
              <button
                type="button"
                className="button"
                onClick={() => saveText(chart.csv, 'text/csv', `damro-lens-${chart.id}.csv`)}
              >
                Data as CSV
              </button>
            </figcaption>
          </figure>
        ))}
      </div>
      <div className="row">
        {[
          { label: 'All layer tests as CSV', file: 'comparisons', csv: () => comparisonsCsv(summary) },
          { label: 'Token records as CSV', file: 'tokens', csv: () => tokenRecordsCsv(tokens) },
          { label: 'Image records as CSV', file: 'images', csv: () => imageRecordsCsv(images) },
        ].map(({ label, file, csv }) => (
          <button
            key={file}
            type="button"
            className="button"
            onClick={() => saveText(csv(), 'text/csv', `damro-lens-evidence-${file}.csv`)}
          >
            {label}
          </button>
        ))}
      </div>
    </section>
  );
}
