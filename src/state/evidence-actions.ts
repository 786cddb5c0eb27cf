// The hallucination-evidence view's data: the records and summary of the latest CHAIR run of this session.
import type { RunEvidence } from '../core/evidence/run-evidence';
import { store } from './store';

export interface EvidenceRecord {
  /** What the evidence covers, in words ("CHAIR run over val2014: 20 captions"). */
  readonly source: string;
  readonly result: RunEvidence;
}

export function evidenceComputed(record: EvidenceRecord): void {
  store.setState({ hallucinationEvidence: record });
}
