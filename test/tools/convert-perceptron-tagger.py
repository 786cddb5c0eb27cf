#!/usr/bin/env python3
"""Converts NLTK's English averaged-perceptron POS model into the JSON file the site and the CLI load:
public/data/nltk__nltk_data/derived/averaged_perceptron_tagger.json (src/core/text/perceptron-tagger.ts reads it).

Run once, from the repository root, with the package as nltk_data publishes it:
    python3 test/tools/convert-perceptron-tagger.py path/to/averaged_perceptron_tagger.zip
(github.com/nltk/nltk_data, packages/taggers/averaged_perceptron_tagger.zip; the zip holds
averaged_perceptron_tagger/averaged_perceptron_tagger.pickle, the model NLTK 3.8's pos_tag loads.)

The pickle is a tuple (weights, tagdict, classes): weights maps a feature string ("i word dog") to a dict
tag -> weight, tagdict maps frequent unambiguous words to their tag, classes is the set of 45 Penn tags. It is
read with a restricted unpickler that builds only dicts, strings, floats and sets, so nothing in the file can
run code. Every weight NLTK stores is an average rounded to 3 decimals; the script checks that round(w * 1000)
/ 1000 == w holds exactly for each and stores the integer w * 1000 (a correctly rounded division by 1000 in
JavaScript gives back the same double, so tagging is bit-for-bit the reference's).

Output layout (JSON):
    classes:  the tags, sorted (code-point order, as Python sorts them)
    tagdict:  word -> tag
    weights:  feature template -> feature argument -> [class index, weight * 1000, class index, ...]
A feature string is the template name, a space and its arguments joined by spaces ("i-1 tag+i word NN dog");
"bias" has no arguments and is stored under the argument "". Each class list keeps the pickle's order.
"""
import hashlib
import io
import json
import pickle
import sys
import zipfile

OUT = 'public/data/nltk__nltk_data/derived/averaged_perceptron_tagger.json'
MEMBER = 'averaged_perceptron_tagger/averaged_perceptron_tagger.pickle'
# The feature templates of NLTK 3.8's PerceptronTagger._get_features, in the order it adds them.
TEMPLATES = ['bias', 'i suffix', 'i pref1', 'i-1 tag', 'i-2 tag', 'i tag+i-2 tag', 'i word', 'i-1 tag+i word',
             'i-1 word', 'i-1 suffix', 'i-2 word', 'i+1 word', 'i+1 suffix', 'i+2 word']


class DataOnly(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in {('__builtin__', 'set'), ('builtins', 'set')}:
            return set
        raise pickle.UnpicklingError(f'the model pickle asks for {module}.{name}; only plain data is accepted')


def split_feature(key):
    if key == 'bias':
        return 'bias', ''
    matches = [t for t in TEMPLATES[1:] if key.startswith(t + ' ')]
    if len(matches) != 1:
        raise ValueError(f'feature {key!r} matches templates {matches}')
    return matches[0], key[len(matches[0]) + 1:]


def main(zip_path):
    with zipfile.ZipFile(zip_path) as z:
        raw = z.read(MEMBER)
    weights, tagdict, classes = DataOnly(io.BytesIO(raw)).load()
    classes = sorted(classes)
    index = {c: i for i, c in enumerate(classes)}

    out_weights = {t: {} for t in TEMPLATES}
    pairs = 0
    for key, per_class in weights.items():
        template, arg = split_feature(key)
        row = []
        for tag, w in per_class.items():
            milli = round(w * 1000)
            if milli / 1000 != w or milli == 0:
                raise ValueError(f'weight {w!r} of {key!r}/{tag} is not a non-zero multiple of 0.001')
            row += [index[tag], milli]
            pairs += 1
        out_weights[template][arg] = row
    for word, tag in tagdict.items():
        if tag not in index:
            raise ValueError(f'tagdict tag {tag!r} of {word!r} is not a class')

    model = {
        'about': 'NLTK averaged_perceptron_tagger (nltk_data packages/taggers/averaged_perceptron_tagger.zip, '
                 f'pickle sha256 {hashlib.sha256(raw).hexdigest()}), converted by test/tools/convert-perceptron-tagger.py',
        'classes': classes,
        'tagdict': tagdict,
        'weights': out_weights,
    }
    text = json.dumps(model, ensure_ascii=False, separators=(',', ':'))
    with open(OUT, 'w', encoding='utf-8') as f:
        f.write(text)
    print(f'{OUT}: {len(classes)} classes, {len(tagdict)} tagdict words, {len(weights)} features, '
          f'{pairs} weights, {len(text.encode())} bytes')


if __name__ == '__main__':
    main(sys.argv[1])
