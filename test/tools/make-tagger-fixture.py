#!/usr/bin/env python3
"""Writes test/cases/perceptron-tagger-parity.json: COCO-style captions tagged by NLTK 3.8 itself, the oracle of
test/unit/core/chair/perceptron-tagger.test.ts. It needs NLTK 3.8 importable and the original model where NLTK
looks for it; in a scratch folder (here /tmp/nltk38), then from the repository root:
    apt-get download python3-nltk python3-joblib python3-tqdm && for d in *.deb; do dpkg -x "$d" root; done
    mkdir -p data/taggers && unzip path/to/averaged_perceptron_tagger.zip -d data/taggers
    PYTHONPATH=/tmp/nltk38/root/usr/lib/python3/dist-packages NLTK_DATA=/tmp/nltk38/data \
      python3 test/tools/make-tagger-fixture.py
(python3-nltk 3.8-1 is Debian bookworm's; it also needs python3-regex and python3-click, usually installed.)

The captions come from a seeded generator over templates built around the words whose tag decides a CHAIR
object: gerunds (skiing, bowling, biking), participles (potted, parked, sinking), two-word objects, plurals,
numbers, hyphenated words and punctuation. As CHAIR does, most captions are lower-cased before tokenising; some
keep their capitals so the case-sensitive parts of the tagger (tag dictionary, suffix and prefix features) are
exercised too. Tokens come from NLTK's Treebank word tokeniser, one sentence at a time (word_tokenize without
Punkt, which needs a model this script does not assume), and each caption's tokens are tagged in one pos_tag
call, as CHAIR tags a whole caption.
"""
import json
import random
import nltk
from nltk.tokenize.destructive import NLTKWordTokenizer

OUT = 'test/cases/perceptron-tagger-parity.json'
SEED = 22
CAPTIONS = 1400

PEOPLE = ['man', 'woman', 'boy', 'girl', 'person', 'child', 'player', 'skier', 'surfer', 'chef', 'lady', 'guy',
          'kid', 'baby', 'couple', 'rider', 'cowboy', 'pitcher', 'batter', 'catcher', 'snowboarder', 'skateboarder']
PEOPLE_PL = ['men', 'women', 'people', 'children', 'kids', 'boys', 'girls', 'players', 'skiers', 'surfers',
             'ladies', 'guys', 'friends', 'tourists', 'students', 'workers', 'fans']
OBJECTS = ['dog', 'cat', 'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe', 'bird', 'bicycle', 'bike',
           'car', 'motorcycle', 'motorbike', 'airplane', 'plane', 'jet', 'bus', 'train', 'truck', 'boat', 'ship',
           'traffic light', 'fire hydrant', 'stop sign', 'parking meter', 'bench', 'backpack', 'umbrella',
           'handbag', 'purse', 'tie', 'suitcase', 'frisbee', 'skis', 'ski', 'snowboard', 'ball', 'kite',
           'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'racket', 'bottle',
           'wine glass', 'cup', 'mug', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange',
           'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'doughnut', 'cake', 'chair', 'couch', 'sofa',
           'potted plant', 'plant', 'bed', 'dining table', 'table', 'toilet', 'tv', 'television', 'laptop',
           'computer', 'mouse', 'remote', 'keyboard', 'cell phone', 'phone', 'microwave', 'oven', 'toaster',
           'sink', 'refrigerator', 'fridge', 'book', 'clock', 'vase', 'scissors', 'teddy bear', 'hair drier',
           'toothbrush', 'desk', 'bowling ball', 'bowling pin', 'flower', 'tree', 'building', 'fence', 'window',
           'sign', 'pole', 'street', 'road', 'field', 'beach', 'wave', 'hill', 'slope', 'mountain', 'kitchen',
           'counter', 'plate', 'tray', 'box', 'bag', 'basket', 'shelf', 'lamp', 'mirror', 'door', 'wall', 'floor',
           'sidewalk', 'track', 'runway', 'ocean', 'lake', 'river', 'park', 'court', 'grass', 'snow', 'water',
           'pot', 'pan', 'stove', 'cabinet', 'bathtub', 'shower', 'curtain', 'pillow', 'blanket', 'rug', 'car seat',
           'toilet seat', 'sink area', 'ski slope', 'ski lift', 'bike rack', 'bus stop', 'train station', 'hat',
           'helmet', 'jacket', 'shirt', 't-shirt', 'wetsuit', 'glove', 'uniform', 'net', 'goal', 'glass', 'sandwiches']
PLURALS = ['dogs', 'cats', 'horses', 'cows', 'elephants', 'bears', 'zebras', 'giraffes', 'birds', 'bicycles',
           'bikes', 'cars', 'motorcycles', 'airplanes', 'planes', 'buses', 'trains', 'trucks', 'boats', 'benches',
           'umbrellas', 'suitcases', 'kites', 'bottles', 'cups', 'forks', 'knives', 'spoons', 'bowls', 'bananas',
           'apples', 'oranges', 'carrots', 'hot dogs', 'pizzas', 'donuts', 'cakes', 'chairs', 'couches', 'plants',
           'potted plants', 'beds', 'tables', 'toilets', 'laptops', 'mice', 'phones', 'books', 'clocks', 'vases',
           'teddy bears', 'flowers', 'trees', 'buildings', 'signs', 'skateboards', 'surfboards', 'snowboards',
           'rackets', 'glasses', 'pans', 'pots', 'sinks', 'bowling pins', 'bowling balls', 'stop signs',
           'traffic lights', 'cell phones', 'wine glasses', 'dishes', 'vegetables', 'fruits', 'sheep', 'oxen',
           'shelves', 'cabinets', 'windows', 'pillows', 'lights']
GERUNDS = ['skiing', 'snowboarding', 'surfing', 'skateboarding', 'biking', 'bowling', 'sinking', 'riding',
           'eating', 'holding', 'sitting', 'standing', 'playing', 'flying', 'walking', 'running', 'cooking',
           'cutting', 'drinking', 'talking', 'looking', 'waiting', 'parking', 'swimming', 'throwing', 'catching',
           'hitting', 'swinging', 'jumping', 'laying', 'lying', 'sleeping', 'reading', 'watching', 'carrying',
           'pulling', 'pushing', 'grazing', 'crossing', 'driving', 'boarding', 'camping', 'hiking', 'fishing',
           'sailing', 'shopping', 'baking', 'smiling', 'posing', 'brushing', 'texting', 'kiting', 'dining',
           'painting', 'sledding', 'rowing', 'kayaking', 'parasailing', 'wakeboarding', 'cycling', 'racing']
PARTICIPLES = ['potted', 'parked', 'stuffed', 'sliced', 'topped', 'covered', 'filled', 'stacked', 'cluttered',
               'framed', 'mounted', 'decorated', 'fenced', 'grilled', 'loaded', 'painted', 'crowded', 'abandoned',
               'broken', 'frosted', 'glazed', 'fried', 'baked', 'cooked', 'chopped', 'folded', 'wrapped', 'tied',
               'lit', 'snow-covered', 'tree-lined', 'half-eaten', 'well-lit', 'sunken', 'sunk', 'docked',
               'tiled', 'carpeted', 'unmade', 'opened', 'closed', 'used', 'dressed', 'seated', 'surrounded']
ADJS = ['red', 'white', 'black', 'blue', 'green', 'yellow', 'brown', 'large', 'small', 'big', 'little', 'old',
        'young', 'tall', 'empty', 'full', 'dirty', 'clean', 'wooden', 'metal', 'plastic', 'busy', 'snowy',
        'sandy', 'grassy', 'rocky', 'cloudy', 'sunny', 'dark', 'bright', 'colorful', 'pink', 'purple', 'orange',
        'gray', 'grey', 'modern', 'vintage', 'double-decker', 'black-and-white', 'close-up', 'electric',
        'commercial', 'wild', 'cute', 'fluffy', 'tiny', 'huge', 'open', 'giant', 'several', 'many', 'various']
PREPS = ['on', 'in', 'near', 'next to', 'behind', 'under', 'beside', 'by', 'with', 'at', 'over', 'across',
         'along', 'down', 'through', 'inside', 'outside', 'in front of', 'on top of', 'around', 'into', 'off']
VERBS_3 = ['sits', 'stands', 'rides', 'holds', 'eats', 'plays', 'flies', 'walks', 'runs', 'looks', 'waits',
           'carries', 'throws', 'swings', 'lies', 'sleeps', 'watches', 'skis', 'surfs', 'bowls', 'bikes', 'sinks',
           'skates', 'parks', 'uses', 'cuts', 'drinks', 'pets', 'feeds', 'grazes', 'crosses', 'drives']
VERBS_PL = ['sit', 'stand', 'ride', 'hold', 'eat', 'play', 'fly', 'walk', 'run', 'look', 'wait', 'carry', 'ski',
            'surf', 'bowl', 'bike', 'skate', 'watch', 'gather', 'pose', 'share', 'graze', 'cross', 'sink']
PAST = ['sat', 'stood', 'rode', 'held', 'ate', 'played', 'flew', 'walked', 'parked', 'skied', 'bowled', 'biked',
        'sank', 'surfed', 'placed', 'left', 'covered', 'filled', 'stacked', 'shown', 'seen', 'taken', 'made']
NUMBERS = ['two', 'three', 'four', 'five', 'several', 'many', 'some', 'a few', 'a couple of', 'a group of',
           'a pair of', 'a bunch of', 'a herd of', 'a flock of', 'a pile of', 'a plate of', 'a box of', '2', '3',
           '10', '12', '1990', '2012', 'both', 'all the']
ADVS = ['quickly', 'together', 'outside', 'nearby', 'very', 'really', 'slowly', 'still', 'closely', 'happily']
DETS = ['a', 'the', 'this', 'that', 'his', 'her', 'their', 'an old', 'another', 'one', 'each']


def pick(xs):
    return random.choice(xs)


def np():
    r = random.random()
    if r < 0.35:
        return f'{pick(DETS)} {pick(OBJECTS)}'
    if r < 0.55:
        return f'{pick(DETS)} {pick(ADJS)} {pick(OBJECTS)}'
    if r < 0.7:
        return f'{pick(DETS)} {pick(PARTICIPLES)} {pick(OBJECTS)}'
    if r < 0.85:
        return f'{pick(NUMBERS)} {pick(PLURALS)}'
    return f'{pick(NUMBERS)} {pick(ADJS)} {pick(PLURALS)}'


def subject():
    r = random.random()
    if r < 0.5:
        return f'{pick(DETS)} {pick(PEOPLE)}', True
    if r < 0.7:
        return f'{pick(NUMBERS)} {pick(PEOPLE_PL)}', False
    if r < 0.85:
        return np(), None
    return f'{pick(DETS)} {pick(ADJS)} {pick(PEOPLE)}', True


def clause():
    subj, singular = subject()
    r = random.random()
    if r < 0.3:
        return f'{subj} {pick(GERUNDS)} {pick(PREPS)} {np()}'
    if r < 0.45:
        verb = pick(VERBS_3) if singular in (True, None) else pick(VERBS_PL)
        return f'{subj} {verb} {np()} {pick(PREPS)} {np()}'
    if r < 0.55:
        aux = 'is' if singular in (True, None) else 'are'
        return f'{subj} {aux} {pick(GERUNDS)} {np()}'
    if r < 0.62:
        return f'{subj} {pick(PAST)} {pick(PREPS)} {np()}'
    if r < 0.7:
        return f'{np()} {pick(PARTICIPLES)} {pick(PREPS)} {np()}'
    if r < 0.77:
        return f'{pick(GERUNDS)} {pick(PREPS)} {np()} is {pick(ADJS)}'
    if r < 0.84:
        return f'there is {np()} {pick(PREPS)} {np()}'
    if r < 0.9:
        return f'{subj} {pick(ADVS)} {pick(GERUNDS)} {pick(GERUNDS)} {pick(PLURALS)}'
    if r < 0.95:
        return f'{pick(["the image shows", "this is", "in this picture,", "a photo of", "a view of", "close up of"])} {np()} {pick(PARTICIPLES)} {pick(PREPS)} {np()}'
    copula = pick(['is', 'was', "isn't", "wasn't", "doesn't look", 'can be'])
    return f"{subj}'s {pick(OBJECTS)} {copula} {pick(PARTICIPLES)}"


def caption():
    sentences = []
    for _ in range(1 if random.random() < 0.8 else 2):
        s = clause()
        r = random.random()
        if r < 0.25:
            s += f', {pick(["and", "while", "as", "with"])} {clause()}'
        elif r < 0.35:
            s += f' and {np()} {pick(PREPS)} {np()}'
        elif r < 0.4:
            s += f' ({pick(ADJS)} {pick(OBJECTS)})'
        sentences.append(s[0].upper() + s[1:] + pick(['.', '.', '.', '', '!', '?']))
    text = ' '.join(sentences)
    return text if random.random() < 0.15 else text.lower()


def split_sentences(text):
    parts, start = [], 0
    for i, ch in enumerate(text):
        if ch in '.!?' and (i + 1 == len(text) or text[i + 1] == ' '):
            parts.append(text[start:i + 1])
            start = i + 2
    if start < len(text):
        parts.append(text[start:])
    return parts


def main():
    random.seed(SEED)
    tokenizer = NLTKWordTokenizer()
    rows, tokens_total, seen = [], 0, set()
    while len(rows) < CAPTIONS:
        text = caption()
        if text in seen:
            continue
        seen.add(text)
        words = [w for s in split_sentences(text) for w in tokenizer.tokenize(s)]
        tags = [t for _, t in nltk.pos_tag(words)]
        assert all(' ' not in w for w in words)
        rows.append([' '.join(words), ' '.join(tags)])
        tokens_total += len(words)
    fixture = {
        'about': f'{len(rows)} generated captions, {tokens_total} tokens, tagged by NLTK {nltk.__version__} pos_tag '
                 'with nltk_data averaged_perceptron_tagger; written by test/tools/make-tagger-fixture.py '
                 '(seed 22). Each row: tokens joined by spaces, tags joined by spaces.',
        'rows': rows,
    }
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(fixture, f, ensure_ascii=False, indent=0)
        f.write('\n')
    print(f'{OUT}: {len(rows)} captions, {tokens_total} tokens')


if __name__ == '__main__':
    main()
