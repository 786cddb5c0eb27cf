// Paths of the data files the site serves from public/data/ and the CLI reads from --data, relative to that
// folder (public/data/PROVENANCE.md says where each came from). The question lists' paths are in each
// benchmark's definition.
export const CHAIR_SYNONYMS_FILE = 'LisaAnne__Hallucination/data/synonyms.txt';
export const CHAIR_GROUND_TRUTH_FILE = 'coder-gx__DAMRO/derived/chair_gt_objects_500.json';
/** NLTK's averaged-perceptron POS model, converted (test/tools/convert-perceptron-tagger.py); CHAIR tags with it. */
export const PERCEPTRON_TAGGER_FILE = 'nltk__nltk_data/derived/averaged_perceptron_tagger.json';
