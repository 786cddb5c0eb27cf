// Dropping a picture on the page's drop zone, as a person drags a file onto it: the file is built inside the
// page (a DataTransfer cannot cross from Node) and the drop event carries it.
import type { JSHandle, Page } from 'playwright-core';

/** 0–255 per channel. */
export type Rgb = readonly [number, number, number];

async function dispatchDrop(page: Page, dataTransfer: JSHandle): Promise<void> {
  await page.dispatchEvent('[data-testid=image-drop]', 'drop', { dataTransfer });
}

/** Drops these bytes as a file called `name` of MIME type `type`. */
export async function dropFile(page: Page, bytes: Uint8Array, name: string, type: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ base64, name, type }) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name, { type }));
      return transfer;
    },
    { base64: Buffer.from(bytes).toString('base64'), name, type },
  );
  await dispatchDrop(page, dataTransfer);
}

/**
 * Drops a PNG drawn in the page: one colour fills it, or four colours fill its quadrants (top-left, top-right,
 * bottom-left, bottom-right).
 */
export async function dropDrawnPng(
  page: Page,
  name: string,
  picture: { readonly width: number; readonly height: number; readonly colours: readonly Rgb[] },
): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    async ({ name, width, height, colours }) => {
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d')!;
      const side = colours.length === 4 ? 2 : 1;
      colours.forEach(([r, g, b], q) => {
        context.fillStyle = `rgb(${r}, ${g}, ${b})`;
        context.fillRect(
          ((q % side) * width) / side,
          (Math.floor(q / side) * height) / side,
          width / side,
          height / side,
        );
      });
      const transfer = new DataTransfer();
      transfer.items.add(new File([await canvas.convertToBlob({ type: 'image/png' })], name, { type: 'image/png' }));
      return transfer;
    },
    { name, ...picture },
  );
  await dispatchDrop(page, dataTransfer);
}
