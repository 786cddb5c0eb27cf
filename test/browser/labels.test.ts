// Caption labels end to end in Chromium: the built site, the production worker, the demo captioner and the built-in
// synthetic detector, whose files are held back until the captions are done (the "checking…" state). A 32×32 image of
// four prototype colours is dropped (no COCO name, no list), so the detector supplies the ground truth: handbag, book,
// couch, car. Every CHAIR word of both captions must be grounded exactly when its node word is one of those, a grounded
// word's hover highlights its box on the evidence canvas, and the threshold control takes the ground truth away.
import type { Page, Route } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { prototypeBytes } from '../../src/factory/detector/design';
import { collectErrors, useChromium, screenshot } from './chromium';
import { dropDrawnPng } from './image-drop';

const OBJECTS = ['handbag', 'book', 'couch', 'car'] as const;

async function dropQuadrantImage(page: Page): Promise<void> {
  const colours = OBJECTS.map((name) => prototypeBytes(name));
  await dropDrawnPng(page, 'quadrants.png', { width: 32, height: 32, colours });
}

describe('caption labels with the in-browser detector', () => {
  const chromium = useChromium();

  it('detects, labels both captions against the detections, and highlights a grounded word’s box', async () => {
    const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors = collectErrors(page);
    // The detector's files are held back until both captions are done, so the page must show, and the test can look
    // at, the state in which the object words wait for their ground truth.
    const held: Route[] = [];
    let holding = true;
    await page.route('**/models/synthetic-detr-tiny/**', (route) => (holding ? held.push(route) : route.continue()));
    await page.goto(`${inject('baseUrl')}?model=synthetic-llava-tiny&dtype=fp32`);
    await page.getByRole('button', { name: 'Load model' }).click();
    await page.getByTestId('model-status').waitFor({ timeout: 120_000 });
    // From the drop on, every change of the page is checked: no object word may carry a verdict while the
    // ground truth has no source yet, and the words called unverifiable then are kept to compare with the end.
    await page.evaluate(() => {
      const early: string[] = [];
      const unverifiable = new Set<string>();
      Object.assign(window, { verdictsBeforeTruth: early, unverifiableBeforeTruth: unverifiable });
      new MutationObserver(() => {
        if (document.querySelector('[data-testid=gt-source]')?.getAttribute('data-source')) return;
        for (const el of document.querySelectorAll('.caption .token--grounded, .caption .token--hallucinated'))
          early.push(el.className);
        for (const el of document.querySelectorAll('.caption .token--unverifiable'))
          unverifiable.add(el.textContent!.trim());
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    await dropQuadrantImage(page);
    for (const kind of ['baseline', 'damro'])
      await page.locator(`[data-caption=${kind}]:not([data-done=""])`).waitFor({ timeout: 150_000 });
    expect(
      await page.locator('.caption .token--checking').count(),
      'object words wait, marked checking',
    ).toBeGreaterThan(0);
    expect(await page.locator('.caption .token--grounded, .caption .token--hallucinated').count()).toBe(0);
    await screenshot(page, 'labels-0-checking');
    holding = false;
    for (const route of held) await route.continue();

    const source = page.getByTestId('gt-source');
    await expect.poll(() => source.getAttribute('data-source'), { timeout: 60_000 }).toBe('detector');
    expect(
      (await source.textContent())
        ?.replace(/^Detector synthetic-detr-tiny: /, '')
        .split(', ')
        .sort(),
    ).toEqual([...OBJECTS].sort());
    expect(await page.getByTestId('detector-notice').textContent()).toMatch(/^Synthetic detector/);

    expect(
      await page.evaluate(() => (window as unknown as { verdictsBeforeTruth: string[] }).verdictsBeforeTruth),
    ).toEqual([]);
    const marks = await page.locator('.caption .token[data-node]').evaluateAll((els) =>
      els.map((el) => ({
        node: (el as HTMLElement).dataset.node!,
        kind: el.className.replace(/^token token--/, ''),
      })),
    );
    expect(marks.length, 'the demo captions name COCO objects').toBeGreaterThan(0);
    // No COCO object word was ever called unverifiable ("not one of the 80 COCO objects") while it waited.
    const unverifiableEarly = await page.evaluate(() => [
      ...(window as unknown as { unverifiableBeforeTruth: Set<string> }).unverifiableBeforeTruth,
    ]);
    const objectWords = await page.locator('.caption .token[data-node]').allTextContents();
    expect(unverifiableEarly.filter((word) => objectWords.map((w) => w.trim()).includes(word))).toEqual([]);
    for (const { node, kind } of marks)
      expect([node, kind]).toEqual([node, (OBJECTS as readonly string[]).includes(node) ? 'grounded' : 'hallucinated']);
    const grounded = marks.filter((m) => m.kind === 'grounded');
    expect(grounded.length, 'this image’s captions mention at least one detected object').toBeGreaterThan(0);
    expect(await page.getByTestId('labels-baseline').textContent()).toMatch(
      /^\d+ grounded · \d+ hallucinated · \d+ unverifiable · CHAIRs [01] · CHAIRi (\d\.\d\d|n\/a)$/,
    );
    expect(await page.getByTestId('labels-diff').textContent()).toMatch(/^DAMRO vs baseline: hallucinated /);

    const evidence = page.getByTestId('evidence-canvas');
    expect(await evidence.getAttribute('data-box-count')).toBe('4');
    const word = page.locator(`.caption .token--grounded[data-node="${grounded[0].node}"]`).first();
    await word.hover();
    await expect.poll(() => evidence.getAttribute('data-focus')).toBe(grounded[0].node);
    expect(await evidence.getAttribute('data-highlighted-count')).toBe('1');
    // The highlighted box's left edge, in the quadrant of that object: 32 px image in a 480 px view (×15), box
    // from 0.05 or 0.55 of the side, 0.4 wide; sample the middle of its left edge.
    const q = OBJECTS.indexOf(grounded[0].node as (typeof OBJECTS)[number]);
    const edge = { x: Math.round(((q % 2) * 0.5 + 0.05) * 480), y: Math.round((Math.floor(q / 2) * 0.5 + 0.25) * 480) };
    const pixel = await evidence.evaluate((el, p) => {
      const c = el as HTMLCanvasElement;
      const s = c.width / 480;
      return Array.from(c.getContext('2d')!.getImageData(Math.round(p.x * s), Math.round(p.y * s), 1, 1).data);
    }, edge);
    expect(pixel.slice(0, 3), 'the highlight colour #1fd17a on the box edge').toEqual([31, 209, 122]);
    await screenshot(page, 'labels-detector-evidence');

    // Above every score the detector gives no ground truth: every object word becomes hallucinated.
    await page.getByLabel(/Detector threshold/).fill('1');
    await expect.poll(() => page.locator('.caption .token--grounded').count()).toBe(0);
    expect(await page.locator('.caption .token--hallucinated').count()).toBe(marks.length);
    expect(errors).toEqual([]);
  });
});
