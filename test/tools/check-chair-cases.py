#!/usr/bin/env python3
"""Scores every caption of test/cases/chair.jsonc with NLTK 3.8 itself and compares the node words with the port's.
    npx tsx test/tools/dump-chair-cases.ts /tmp/chair-cases.json
    PYTHONPATH=... NLTK_DATA=... python3 test/tools/check-chair-cases.py /tmp/chair-cases.json
NLTK 3.8 and its tagger model as in make-tagger-fixture.py; WordNet 3.0 from Debian's wordnet-base copied to
$NLTK_DATA/corpora/wordnet with a lexnames file added (NLTK's reader opens it; the lemmatiser does not use it).
The pipeline is the reference evaluator's caption_to_words: word tokens of the lower-cased caption, pos_tag,
WordNetLemmatizer with the tag's class (noun for anything but J/V/N/R), two-word phrases left to right, no seat
when toilet occurs, then the synonym table. Punkt is not assumed: sentences are split at ". " by hand.
"""
import json
import sys
import nltk
from nltk.corpus import wordnet
from nltk.stem import WordNetLemmatizer
from nltk.tokenize.destructive import NLTKWordTokenizer

CLASSES = {'J': wordnet.ADJ, 'V': wordnet.VERB, 'N': wordnet.NOUN, 'R': wordnet.ADV}


def nodes(caption, double, node_of, tokenizer, lemmatizer):
    sentences = caption.lower().replace('. ', '.\n').split('\n')
    words = [w for s in sentences for w in tokenizer.tokenize(s)]
    lemmas = [lemmatizer.lemmatize(w, pos=CLASSES.get(t[:1], wordnet.NOUN)) for w, t in nltk.pos_tag(words)]
    merged, i = [], 0
    while i < len(lemmas):
        pair = ' '.join(lemmas[i:i + 2])
        if pair in double:
            merged.append(double[pair])
            i += 2
        else:
            merged.append(lemmas[i])
            i += 1
    if 'toilet' in merged and 'seat' in merged:
        merged = [w for w in merged if w != 'seat']
    return [node_of[w] for w in merged if w in node_of]


def main(path):
    data = json.load(open(path, encoding='utf-8'))
    tokenizer, lemmatizer = NLTKWordTokenizer(), WordNetLemmatizer()
    differ = 0
    for case in data['cases']:
        want = nodes(case['caption'], data['double'], data['nodeOf'], tokenizer, lemmatizer)
        if want != case['port']:
            differ += 1
            print(f"{case['caption']}\n  NLTK: {want}\n  port: {case['port']}")
    print(f"{len(data['cases'])} cases, {differ} differ")
    sys.exit(1 if differ else 0)


if __name__ == '__main__':
    main(sys.argv[1])
