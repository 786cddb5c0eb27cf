// DETR's COCO label ids: the 80 categories at their COCO category ids 1–90, the ten ids COCO never used and
// id 0 named "N/A", as DETR's config.json lists them. The synthetic detector uses the same ids so that its
// config reads like a real DETR export and the pipeline's label lookup is exercised as it is for one.
import { COCO_OBJECTS } from '../../core/caption-objects/coco-objects';

/** COCO category ids without a category. */
const UNUSED_IDS = new Set([0, 12, 26, 29, 30, 45, 66, 68, 69, 71, 83]);

export const DETR_LABELS: readonly string[] = (() => {
  const labels: string[] = [];
  let next = 0;
  for (let id = 0; id <= 90; id++) labels.push(UNUSED_IDS.has(id) ? 'N/A' : COCO_OBJECTS[next++]);
  return labels;
})();

/** The DETR label id of a COCO category name. */
export function detrLabelId(name: string): number {
  const id = DETR_LABELS.indexOf(name);
  if (id < 0 || name === 'N/A') throw new Error(`"${name}" is not a COCO category`);
  return id;
}
