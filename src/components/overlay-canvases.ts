// The overlays on screen, by name, so the export menu can save the one in view as PNG without the store holding
// DOM objects. Each registers how to draw itself at the image's own resolution with its legend.
export interface RegisteredOverlay {
  readonly canvas: HTMLCanvasElement;
  /** The overlay at the image's resolution with a legend band naming what it shows. */
  exportPng(): Promise<Blob | null>;
}

const overlays = new Map<string, RegisteredOverlay>();

export type OverlayName = 'encoder' | 'token' | 'counterpart';

export function registerOverlay(name: OverlayName, overlay: RegisteredOverlay | null): void {
  if (overlay) overlays.set(name, overlay);
  else overlays.delete(name);
}

export function registeredOverlay(name: OverlayName): RegisteredOverlay | undefined {
  return overlays.get(name);
}
