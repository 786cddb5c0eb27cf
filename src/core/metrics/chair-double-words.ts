// The reference evaluator's two-word phrase map (spec §3.2 step 4): 55 keys. Phrases map to themselves even
// when the phrase is not in the synonym table ("motor bike", "home plate", "train track"), so such a phrase
// still swallows its second word. The later assignments override earlier ones: "bow tie" ends as "tie".

import { COCO_ANIMALS } from '../caption-objects/coco-objects';

const SELF_MAPPED = [
  'motor bike',
  'motor cycle',
  'air plane',
  'traffic light',
  'street light',
  'traffic signal',
  'stop light',
  'fire hydrant',
  'stop sign',
  'parking meter',
  'suit case',
  'sports ball',
  'baseball bat',
  'baseball glove',
  'tennis racket',
  'wine glass',
  'hot dog',
  'cell phone',
  'mobile phone',
  'teddy bear',
  'hair drier',
  'potted plant',
  'bow tie',
  'laptop computer',
  'stove top oven',
  'home plate',
  'train track',
];
// The reference's animal words: COCO's animal categories and two words of its own.
const ANIMALS = [...COCO_ANIMALS, 'animal', 'cub'];
const PASSENGER_VEHICLES = ['jet', 'train'];

function buildDoubleWordMap(): ReadonlyMap<string, string> {
  const map = new Map<string, string>(SELF_MAPPED.map((p) => [p, p]));
  for (const animal of ANIMALS) {
    map.set(`baby ${animal}`, animal);
    map.set(`adult ${animal}`, animal);
  }
  for (const vehicle of PASSENGER_VEHICLES) map.set(`passenger ${vehicle}`, vehicle);
  map.set('bow tie', 'tie');
  map.set('toilet seat', 'toilet');
  map.set('wine glas', 'wine glass');
  return map;
}

export const CHAIR_DOUBLE_WORDS: ReadonlyMap<string, string> = buildDoubleWordMap();
