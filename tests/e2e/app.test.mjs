// The real window, end to end: first run on an empty library, adding a
// watched folder of generated clips, thumbnails, search on a subtitle line,
// playing from the hit's time, switching theme, and a new download showing
// up without a reload. Screenshots of each step go to OUTTAKE_E2E_OUT.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { count, evalJson, makeClip, screenshot, search, startApp, until } from './harness.mjs';

const $testid = (id) => `[data-testid="${id}"]`;

test('a fan adds a folder, searches a subtitle line and watches that moment', async (t) => {
  const app = await startApp();
  t.after(() => app.stop());
  const { browser } = app;
  const folder = path.join(app.dir, 'making-of');
  fs.mkdirSync(folder);
  makeClip(folder, 'Lovers of the Red Sky making-of EP.1 [abc1]', {
    title: '[홍천기 메이킹] 말 타는 장면 비하인드',
    chapters: [
      { start_time: 0, end_time: 2.5, title: 'Horse ride' },
      { start_time: 2, end_time: 5, title: 'Pulse scene' },
    ],
  });
  makeClip(folder, 'Lovers of the Red Sky making-of EP.2 [abc2]', {
    title: '[홍천기 메이킹] 눈물의 작별',
    cues: [
      [0.5, 2.0, '아버지 안녕히 계세요'],
      [3.0, 5.5, '괜찮아요 정말 괜찮아요'],
    ],
  });

  // First run: the empty state asks for a folder.
  await browser.$($testid('empty-state')).waitForExist({ timeout: 20_000 });
  await screenshot(browser, 'first-run');

  // Add the folder by typing its path (the native picker cannot be driven).
  await browser.$($testid('add-folder-path')).setValue(folder);
  await browser.$($testid('add-folder-submit')).click();
  await until(async () => (await count(browser, $testid('clip-card'))) === 2, 'two clips in the grid', 30_000);
  const folderState = await evalJson(browser, () => document.querySelector('[data-testid="folder-row"]')?.dataset.state);
  assert.ok(['watching', 'polling', 'scanning'].includes(folderState), `folder state ${folderState}`);

  // Thumbnails arrive from the media server.
  await until(
    () =>
      evalJson(browser, () =>
        [...document.querySelectorAll('[data-testid="clip-card"] img')].filter((img) => img.naturalWidth > 0).length,
      ).then((n) => n === 2),
    'two posters loaded',
    30_000,
  );
  await screenshot(browser, 'library');

  // Search a subtitle line: the hit is a cue with its time.
  await search(browser, '괜찮아요');
  const hit = await evalJson(browser, () => {
    const el = document.querySelector('[data-testid="hit"][data-kind="cue"]');
    return { start: Number(el.dataset.startMs), text: el.textContent };
  });
  assert.equal(hit.start, 3000);
  assert.match(hit.text, /괜찮아요/);
  assert.equal(await count(browser, $testid('result')), 1);
  await screenshot(browser, 'search');

  // Open it: the clip page plays from that moment.
  await browser.$(`${$testid('hit')}[data-kind="cue"]`).click();
  await browser.$($testid('clip-page')).waitForExist({ timeout: 10_000 });
  const first = await until(
    () =>
      evalJson(browser, () => {
        const v = document.querySelector('[data-testid="player"]');
        return v && v.readyState >= 3 && !v.paused && v.currentTime >= 3 ? { t: v.currentTime, ready: v.readyState } : null;
      }),
    'the video playing from 0:03',
    20_000,
  );
  await until(
    () => evalJson(browser, () => document.querySelector('[data-testid="player"]').currentTime).then((now) => now > first.t + 0.3),
    'currentTime to advance',
    10_000,
  );
  // The transcript follows the video.
  await until(async () => (await count(browser, `${$testid('transcript-cue')}.current`)) === 1, 'the current line highlighted');
  await screenshot(browser, 'clip');

  // Markers (the download's chapters) are drawn on the timeline of the first clip.
  await browser.$($testid('back')).click();
  await search(browser, 'Horse ride');
  await browser.$(`${$testid('hit')}[data-kind="marker"]`).click();
  await until(async () => (await count(browser, $testid('marker-range'))) === 2, 'two markers on the timeline');
  await until(
    () => evalJson(browser, () => document.querySelector('[data-testid="player"]')?.readyState >= 2),
    'the marker clip loaded',
  );
  await screenshot(browser, 'clip-markers');

  // The chapters are listed apart: keep one as a marker, delete the other.
  const rows = (kind) =>
    evalJson(browser, (kind) => [...document.querySelectorAll(`[data-testid="${kind}-row"]`)].map((r) => r.textContent), kind);
  assert.equal((await rows('chapter')).length, 2);
  assert.equal((await rows('marker')).length, 0);
  const clickIn = (title, button) =>
    browser.execute(
      (title, button) =>
        [...document.querySelectorAll('[data-testid="chapter-row"]')]
          .find((row) => row.textContent.includes(title))
          .querySelector(`[data-testid="${button}"]`)
          .click(),
      title,
      button,
    );
  await clickIn('Horse ride', 'chapter-keep');
  await until(async () => (await rows('marker')).some((r) => r.includes('Horse ride')), 'the kept chapter among the markers');
  await clickIn('Pulse scene', 'chapter-delete');
  await until(async () => (await rows('chapter')).length === 0, 'the deleted chapter gone');
  assert.equal(await count(browser, $testid('marker-range')), 1);

  // Theme: the toggle cycles system → light → dark and the page follows.
  const background = () => evalJson(browser, () => getComputedStyle(document.documentElement).backgroundColor);
  await browser.$($testid('theme-toggle')).click();
  assert.equal(await evalJson(browser, () => document.documentElement.dataset.theme), 'light');
  const light = await background();
  await browser.$($testid('theme-toggle')).click();
  assert.equal(await evalJson(browser, () => document.documentElement.dataset.theme), 'dark');
  assert.notEqual(await background(), light);
  await screenshot(browser, 'clip-dark');

  // A new download lands in the folder: it appears without a reload.
  await browser.$($testid('back')).click();
  await browser.$('[data-testid="facet"][data-query=""]').click();
  await until(async () => (await count(browser, $testid('clip-card'))) === 2, 'the grid again');
  const reloads = await evalJson(browser, () => performance.getEntriesByType('navigation').length);
  makeClip(folder, 'Lovers of the Red Sky making-of EP.3 [abc3]', { title: '[홍천기 메이킹] 새 영상', seconds: 3 });
  await until(async () => (await count(browser, $testid('clip-card'))) === 3, 'the new clip in the grid', 30_000);
  assert.equal(await evalJson(browser, () => performance.getEntriesByType('navigation').length), reloads);
  await screenshot(browser, 'library-dark');
});
