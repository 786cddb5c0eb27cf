// The overlay canvases on screen, by name, so the export menu can save the one in view as PNG without the
// store holding DOM objects.
const canvases = new Map<string, HTMLCanvasElement>();

export type OverlayName = 'encoder' | 'token';

export function registerOverlayCanvas(name: OverlayName, canvas: HTMLCanvasElement | null): void {
  if (canvas) canvases.set(name, canvas);
  else canvases.delete(name);
}

export function overlayCanvas(name: OverlayName): HTMLCanvasElement | undefined {
  return canvases.get(name);
}
