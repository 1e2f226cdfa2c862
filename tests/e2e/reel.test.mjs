// A search with hits in two clips plays as a reel in the real window: the
// video goes from the first moment to the next clip's moment by itself and
// by the next-moment key, the strip follows, and leaving the reel opens the
// clip at the current time.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { count, evalJson, makeClip, screenshot, search, startApp, until } from './harness.mjs';

const $testid = (id) => `[data-testid="${id}"]`;

const reelState = (browser) =>
  evalJson(browser, () => {
    const reel = document.querySelector('[data-testid="reel"]');
    const v = document.querySelector('[data-testid="player"]');
    return reel && {
      index: Number(reel.dataset.index),
      clip: Number(reel.dataset.clipId),
      lit: Number(document.querySelector('[data-testid="reel-moment"][aria-current="true"]')?.dataset.index),
      time: v?.currentTime ?? null,
      src: v?.getAttribute('src') ?? null,
      paused: v?.paused ?? null,
    };
  });

test('a search plays as a reel from one clip to the next', async (t) => {
  const app = await startApp();
  t.after(() => app.stop());
  const { browser } = app;
  const folder = path.join(app.dir, 'downloads');
  fs.mkdirSync(folder);
  // The word 눈물 is said once in each clip, late in the first.
  makeClip(folder, 'making-of one [reel1]', { seconds: 12, cues: [[7.0, 8.0, '눈물이 나요'], [1.0, 2.0, '시작합니다']] });
  makeClip(folder, 'making-of two [reel2]', { seconds: 12, cues: [[4.0, 5.0, '눈물의 작별']] });
  await browser.$($testid('empty-state')).waitForExist({ timeout: 20_000 });
  await browser.$($testid('add-folder-path')).setValue(folder);
  await browser.$($testid('add-folder-submit')).click();
  await until(async () => (await count(browser, $testid('clip-card'))) === 2, 'two clips', 30_000);

  await search(browser, '눈물');
  assert.equal(await count(browser, $testid('result')), 2);
  const order = await evalJson(browser, () => [...document.querySelectorAll('[data-testid="result"]')].map((r) => Number(r.dataset.clipId)));
  await browser.$($testid('play-reel')).click();
  await browser.$($testid('reel')).waitForExist({ timeout: 10_000 });
  assert.equal(await count(browser, $testid('reel-moment')), 2);

  // The first moment: its line with three seconds of context, playing.
  const first = await until(
    () => reelState(browser).then((s) => s && s.index === 0 && s.time !== null && !s.paused && s.time > 0.5 && s),
    'the first moment playing',
  );
  assert.equal(first.clip, order[0]);
  assert.equal(first.lit, 0);
  await screenshot(browser, 'reel');

  // By itself: past the first moment's out-point the reel moves to the next clip.
  const second = await until(
    () => reelState(browser).then((s) => s && s.index === 1 && !s.paused && s.time !== null && s.time > 1 && s),
    'the reel moving on to the second clip by itself',
    30_000,
  );
  assert.equal(second.clip, order[1]);
  assert.equal(second.lit, 1);
  assert.notEqual(second.src, first.src);

  // By key: P goes back to the first, N forward again.
  await browser.execute(() => document.activeElement?.blur());
  await browser.keys('p');
  await until(() => reelState(browser).then((s) => s?.index === 0 && s.lit === 0 && s.clip === order[0]), 'P back to the first moment');
  await browser.keys('n');
  await until(() => reelState(browser).then((s) => s?.index === 1 && s.clip === order[1] && s.time !== null && s.time >= 0.9), 'N on to the second moment');

  // Leaving the reel opens that clip at the current time.
  const at = (await reelState(browser)).time;
  await browser.keys('o');
  await browser.$($testid('clip-page')).waitForExist({ timeout: 10_000 });
  const opened = await until(
    () => evalJson(browser, () => document.querySelector('[data-testid="player"]')?.currentTime ?? null).then((t) => t !== null && t > 0 && t),
    'the clip open at the reel time',
  );
  assert.ok(Math.abs(opened - at) < 1.5, `opened at ${opened} s, the reel was at ${at} s`);
});
