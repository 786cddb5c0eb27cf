// The hallucination-evidence view's data, per source: the latest CHAIR run of this session, and the captions
// made interactively since the page opened.
import type { RunEvidence } from '../core/evidence/run-evidence';
import { store } from './store';

export type EvidenceSource = 'benchmark' | 'session';

export interface EvidenceRecord {
  /** What the evidence covers, in words ("CHAIR run over val2014: 20 captions per method"). */
  readonly source: string;
  readonly result: RunEvidence;
}

export function evidenceComputed(source: EvidenceSource, record: EvidenceRecord): void {
  store.setState({ hallucinationEvidence: { ...store.getState().hallucinationEvidence, [source]: record } });
}
