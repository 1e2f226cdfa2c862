// The window speaks the system's language: with a Korean locale the library,
// a search, the clip page and the marker form are in Korean (screenshots for
// the README); switching to English in the window changes them in place,
// without a restart, and the choice is kept in the settings file.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { count, evalJson, makeClip, screenshot, search, startApp, until } from './harness.mjs';

const $testid = (id) => `[data-testid="${id}"]`;
const text = (browser) => browser.execute(() => document.body.innerText);

test('with a Korean system locale the window is Korean, and English is one switch away', async (t) => {
  const app = await startApp({ env: { LANG: 'ko_KR.UTF-8', LANGUAGE: 'ko', LC_ALL: '' } });
  t.after(() => app.stop());
  const { browser } = app;
  const folder = path.join(app.dir, 'making-of');
  fs.mkdirSync(folder);
  makeClip(folder, 'Lovers of the Red Sky making-of EP.1 [ko1]', {
    title: '[홍천기 메이킹] 말 타는 장면 비하인드',
    chapters: [{ start_time: 0.5, end_time: 3, title: '말 타는 장면' }],
  });

  await browser.$($testid('empty-state')).waitForExist({ timeout: 20_000 });
  assert.equal(await browser.execute(() => document.documentElement.lang), 'ko');
  await browser.$($testid('add-folder-path')).setValue(folder);
  await browser.$($testid('add-folder-submit')).click();
  await until(async () => (await count(browser, $testid('clip-card'))) === 1, 'the clip in the grid', 30_000);
  await until(async () => (await text(browser)).includes('모든 클립'), 'the sidebar in Korean');
  assert.ok(!(await text(browser)).includes('All clips'));
  await screenshot(browser, 'ko-library');

  await search(browser, '말 타는');
  const results = await text(browser);
  assert.match(results, /클립/, 'the results summary in Korean');
  await screenshot(browser, 'ko-search');

  await browser.$($testid('result')).click();
  await browser.$($testid('clip-page')).waitForExist({ timeout: 10_000 });
  await until(async () => (await text(browser)).includes('마커 추가'), 'the clip page in Korean');
  await until(() => evalJson(browser, () => (document.querySelector('[data-testid="player"]')?.readyState ?? 0) >= 1), 'the clip loaded in the player');
  await browser.$($testid('add-marker')).click();
  await browser.$($testid('marker-editor')).waitForExist({ timeout: 10_000 });
  const form = await browser.$($testid('marker-editor')).getText();
  assert.match(form, /저장/, `the marker form in Korean:\n${form}`);
  assert.doesNotMatch(form, /\bSave\b|\bCancel\b/);
  await screenshot(browser, 'ko-marker');

  // English from the settings, in place: the dialog and the form behind it,
  // no restart, and kept in the settings file.
  await browser.$($testid('settings-toggle')).click();
  await browser.$($testid('settings')).waitForExist({ timeout: 10_000 });
  assert.match(await browser.$($testid('settings')).getText(), /언어/, 'the settings in Korean first');
  await browser.$($testid('settings-language')).selectByAttribute('value', 'en');
  await until(async () => /\bLanguage\b/.test(await browser.$($testid('settings')).getText()), 'the settings in English');
  await until(async () => /\bSave\b/.test(await browser.$($testid('marker-editor')).getText()), 'the form in English');
  await browser.$(`${$testid('settings')} ${$testid('dialog-close')}`).click();
  await browser.$($testid('settings')).waitForExist({ timeout: 10_000, reverse: true });
  assert.equal(await browser.execute(() => document.documentElement.lang), 'en');
  const settings = path.join(app.dir, 'home', '.config', 'outtake', 'settings.json');
  await until(() => fs.existsSync(settings) && JSON.parse(fs.readFileSync(settings, 'utf8')).language === 'en', 'English kept in the settings file');
});
