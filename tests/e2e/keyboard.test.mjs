// The seed scenario with the keyboard alone, as a fan who uses no pointer:
// add a watched folder, search a subtitle line, open the clip, mark the moment
// with a person and a tag, and find that moment again by its tag. Nothing here
// clicks; focus moves with Tab, and the app's own keys do the rest. A Tab walk
// that never reaches a field fails, listing the stops it made.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { count, evalJson, invoke, makeClip, screenshot, startApp, until } from './harness.mjs';

const $testid = (id) => `[data-testid="${id}"]`;

const focused = (browser) =>
  evalJson(browser, () => {
    const el = document.activeElement;
    return el && { testid: el.dataset?.testid ?? null, tag: el.tagName, name: el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 30) ?? '' };
  });

/** Presses Tab until the field named `testid` has focus (at most `most` presses). */
async function tabTo(browser, testid, most = 60) {
  const stops = [];
  for (let i = 0; i < most; i++) {
    const now = await focused(browser);
    if (now?.testid === testid) return;
    stops.push(now ? `${now.tag}${now.testid ? `[${now.testid}]` : ''} ${now.name}` : 'nothing');
    await browser.keys('Tab');
  }
  throw new Error(`Tab never reached ${testid}; it stopped at:\n${stops.join('\n')}`);
}

/** Types text into whatever has focus, a key at a time (a repeated letter sent in one
 *  batch can arrive once). */
async function type(browser, text) {
  for (const c of text) await browser.keys(c);
}

test('the seed scenario with the keyboard alone', async (t) => {
  const app = await startApp();
  t.after(() => app.stop());
  const { browser } = app;
  const folder = path.join(app.dir, 'making-of');
  fs.mkdirSync(folder);
  makeClip(folder, 'Lovers of the Red Sky making-of EP.2 [kb1]', {
    title: '[홍천기 메이킹] 눈물의 작별',
    seconds: 8,
    cues: [
      [0.5, 2.0, '아버지 안녕히 계세요'],
      [3.0, 5.5, '괜찮아요 정말 괜찮아요'],
    ],
  });
  await browser.$($testid('empty-state')).waitForExist({ timeout: 20_000 });
  // The cast is known already (the people manager is walked in curate.test.mjs).
  await invoke(browser, 'add_person', { person: { name: 'Kim Yoo Jung', native_name: '김유정', aliases: [] } });

  // A folder, typed into the first-run field reached by Tab.
  await tabTo(browser, 'add-folder-path');
  await type(browser, folder);
  const typed = await evalJson(browser, () => document.activeElement?.value ?? null);
  assert.equal(typed, folder, 'the path typed into the field');
  await browser.keys('Enter');
  await until(async () => (await count(browser, $testid('clip-card'))) === 1, 'the clip in the grid', 30_000);

  // `/` to search, Enter to run it, arrows and Enter to open the hit.
  await browser.keys('/');
  await until(async () => (await focused(browser))?.testid === 'search-input', 'the search field focused by /');
  await type(browser, '괜찮아요');
  await browser.keys('Enter');
  await until(() => evalJson(browser, () => document.querySelector('[data-testid="results"]')?.dataset.query === '괜찮아요'), 'the results');
  await browser.keys('ArrowDown');
  await browser.keys('Enter');
  await browser.$($testid('clip-page')).waitForExist({ timeout: 10_000 });
  const at = await until(
    () => evalJson(browser, () => document.querySelector('[data-testid="player"]')?.currentTime ?? null).then((t) => t !== null && t >= 2.9 && t),
    'the clip open at the line',
  );

  // `m` marks the moment; the form's title has focus; Tab walks to the person and the tag.
  await browser.keys('m');
  await browser.$($testid('marker-editor')).waitForExist({ timeout: 5000 });
  await until(
    () => evalJson(browser, () => document.activeElement?.closest('[data-testid="marker-editor"]') !== null && document.activeElement.tagName === 'INPUT'),
    'the title field focused',
  );
  await type(browser, 'Tearful goodbye');
  await tabTo(browser, 'marker-cast');
  await type(browser, 'Kim Yoo Jung');
  await browser.keys('Enter');
  await tabTo(browser, 'marker-tag');
  await type(browser, 'mood:tearful');
  await browser.keys('Enter');
  await screenshot(browser, 'keyboard-marker');
  await tabTo(browser, 'marker-save');
  await browser.keys('Enter');
  try {
    await until(async () => (await count(browser, $testid('marker-editor'))) === 0, 'the form closed on save', 10_000);
  } finally {
    await screenshot(browser, 'keyboard-saved');
  }

  // Back to the library with Esc, and the moment found again by its tag.
  await browser.keys('Escape');
  await browser.$($testid('clip-page')).waitForExist({ reverse: true, timeout: 5000 });
  await browser.keys('/');
  // The field still holds the last search: select it and type over it.
  await browser.keys(['Control', 'a']);
  await browser.keys('Backspace');
  await type(browser, 'tag:mood:tearful');
  // Suggestions open as the tag is typed: Enter takes the one offered (this
  // very tag), and Enter again runs the search.
  const suggesting = () =>
    evalJson(browser, () => document.querySelector('[data-testid="search-input"]')?.getAttribute('aria-expanded') === 'true');
  await new Promise((resolve) => setTimeout(resolve, 800));
  if (await suggesting()) {
    await browser.keys('Enter');
    await until(async () => !(await suggesting()), 'the suggestion taken');
  }
  await browser.keys('Enter');
  await screenshot(browser, 'keyboard-search');
  const hit = await until(
    () =>
      evalJson(browser, () => {
        const el = document.querySelector('[data-testid="hit"][data-kind="marker"]');
        return el && el.textContent;
      }),
    'the marker found by its tag',
  );
  assert.match(hit, /Tearful goodbye/);
  await browser.keys('ArrowDown');
  await browser.keys('Enter');
  await browser.$($testid('clip-page')).waitForExist({ timeout: 10_000 });
  const again = await until(
    () => evalJson(browser, () => document.querySelector('[data-testid="player"]')?.currentTime ?? null).then((t) => t !== null && t > 0 && t),
    'the clip open at the marker',
  );
  assert.ok(Math.abs(again - at) < 1.5, `opened at ${again} s, the moment was marked near ${at} s`);
});
