// Storyboards in the real window: hovering the timeline at 60% shows the
// storyboard's tile for 60% of the clip (no seek), and hovering a card
// scrubs its picture through the clip.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { count, evalJson, invoke, makeClip, screenshot, search, startApp, until } from './harness.mjs';

const $testid = (id) => `[data-testid="${id}"]`;

/** Moves the pointer to `fraction` of the width of the element `selector`, at its middle height. */
async function pointAt(browser, selector, fraction) {
  const box = await evalJson(browser, (s) => {
    const r = document.querySelector(s).getBoundingClientRect();
    return { x: r.left, y: r.top, w: r.width, h: r.height };
  }, selector);
  await browser
    .action('pointer')
    .move({ x: Math.round(box.x + box.w * fraction), y: Math.round(box.y + box.h / 2), origin: 'viewport' })
    .perform();
}

test('the timeline and the cards show frames from the storyboard', async (t) => {
  const app = await startApp();
  t.after(() => app.stop());
  const { browser } = app;
  const folder = path.join(app.dir, 'downloads');
  fs.mkdirSync(folder);
  makeClip(folder, 'storyboard clip [board1]', { seconds: 12 });
  await browser.$($testid('empty-state')).waitForExist({ timeout: 20_000 });
  await browser.$($testid('add-folder-path')).setValue(folder);
  await browser.$($testid('add-folder-submit')).click();
  await until(async () => (await count(browser, $testid('clip-card'))) === 1, 'the clip', 30_000);
  const id = Number(await evalJson(browser, () => document.querySelector('[data-testid="clip-card"]').dataset.clipId));
  const board = await until(() => invoke(browser, 'storyboard', { clip_id: id }), 'the storyboard made', 60_000, 500);
  assert.ok(board.tiles >= 6, `${board.tiles} tiles`);

  // A card scrubs: the pointer at 80% of its poster shows the tile of 80% of the clip.
  await pointAt(browser, '[data-testid="clip-card"] .poster', 0.8);
  const scrub = await until(() => evalJson(browser, () => document.querySelector('[data-testid="card-scrub"]')?.dataset.tile), 'the card scrubbing');
  assert.equal(Number(scrub), Math.min(Math.floor((0.8 * 12_000) / board.interval_ms), board.tiles - 1));
  await pointAt(browser, '[data-testid="clip-card"] .poster', 0.1);
  await until(() => evalJson(browser, () => document.querySelector('[data-testid="card-scrub"]')?.dataset.tile).then((tile) => Number(tile) === 0), 'the card back at its start');
  await screenshot(browser, 'card-scrub');

  // A marker from 2 s to 8 s shows its own frames on the clip page: in, middle and out.
  await invoke(browser, 'add_marker', {
    clip_id: id,
    marker: { start_ms: 2000, end_ms: 8000, title: 'Horse ride', scene: null, cast: [], tags: [], note: null, quote: null },
  });

  // The clip page: the timeline at 60% shows the tile for 60% of the clip, and the video does not move.
  await browser.$($testid('clip-card')).click();
  await browser.$($testid('player')).waitForExist({ timeout: 30_000 });
  const tiles = await until(
    () => evalJson(browser, () => [...document.querySelectorAll('[data-testid="marker-frame"]')].map((f) => Number(f.dataset.tile))).then((t) => t.length > 0 && t),
    "the marker's frames",
  );
  const at = (ms) => Math.floor(ms / board.interval_ms);
  assert.deepEqual(tiles, [...new Set([at(2000), at(5000), at(7999)])], 'the frames of its in-point, middle and out-point');
  await until(() => evalJson(browser, () => document.querySelector('[data-testid="player"]').readyState >= 1), 'the video loaded');
  const before = await evalJson(browser, () => document.querySelector('[data-testid="player"]').currentTime);
  await pointAt(browser, '.bar', 0.6);
  const preview = await until(
    () => evalJson(browser, () => {
      const p = document.querySelector('[data-testid="timeline-preview"]');
      return p && p.dataset.tile !== '' && { tile: Number(p.dataset.tile), ms: Number(p.dataset.ms), image: getComputedStyle(p.querySelector('.tile')).backgroundImage };
    }),
    'the timeline preview',
  );
  assert.ok(Math.abs(preview.ms - 7200) < 300, `the pointer at ${preview.ms} ms`);
  assert.equal(preview.tile, Math.floor(preview.ms / board.interval_ms));
  assert.match(preview.image, /storyboard\/0/);
  const after = await evalJson(browser, () => document.querySelector('[data-testid="player"]').currentTime);
  assert.equal(after, before, 'hovering does not seek');
  await screenshot(browser, 'timeline-preview');

  // Search results show each timed hit's own frame: the tile of its moment.
  await browser.keys('Escape');
  await search(browser, '다들 고생하셨습니다');
  const frame = await until(
    () =>
      evalJson(browser, () => {
        const hit = document.querySelector('[data-testid="hit"][data-kind="cue"]');
        const f = hit?.querySelector('[data-testid="hit-frame"]');
        return f && { ms: Number(hit.dataset.startMs), image: f.style.backgroundImage, position: f.style.backgroundPosition, width: f.getBoundingClientRect().width };
      }),
    "the hit's frame",
  );
  assert.match(frame.image, /storyboard\/0/);
  // The tile of 4.2 s: its place on the sheet, scaled to the frame's width.
  const tile = Math.floor(frame.ms / board.interval_ms);
  const scale = frame.width / board.tile_width;
  const x = (tile % board.columns) * board.tile_width * scale;
  const shown = Number.parseFloat(frame.position);
  assert.ok(Math.abs(shown + x) < 1, `tile ${tile} should be at ${-x}px, shown at ${frame.position}`);
  await screenshot(browser, 'hit-frames');
});
