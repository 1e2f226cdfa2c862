// The edit history in the real window: an edit made before the app closed is
// undone by Ctrl+Z after it starts again, listed in the History panel, and
// redone by Ctrl+Shift+Z.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evalJson, screenshot, startApp, until } from './harness.mjs';

const $testid = (id) => `[data-testid="${id}"]`;

/** The shows the library holds, as the window's own command reads them. */
const shows = (browser) =>
  browser
    .executeAsync((done) => {
      window.__TAURI_INTERNALS__.invoke('shows', {}).then(
        (value) => done(JSON.stringify(value.map((s) => s.title))),
        (error) => done(JSON.stringify({ error })),
      );
    })
    .then((text) => JSON.parse(text));

test('Ctrl+Z after a restart undoes the last edit made before it', async (t) => {
  const first = await startApp();
  let stopped = false;
  t.after(() => (stopped ? undefined : first.stop()));
  const { browser } = first;
  await browser.$($testid('empty-state')).waitForExist({ timeout: 20_000 });
  await browser.$($testid('manage-shows')).click();
  await browser.$($testid('cast-manager')).waitForExist({ timeout: 5000 });
  await browser.$($testid('show-title')).setValue('Lovers of the Red Sky');
  await browser.$($testid('show-save')).click();
  await until(async () => (await shows(browser)).length === 1, 'the show saved');
  await first.stop();
  stopped = true;

  const again = await startApp({ dir: first.dir });
  t.after(() => again.stop());
  const b = again.browser;
  await until(async () => (await shows(b)).length === 1, 'the show there after the restart');
  await b.execute(() => document.activeElement?.blur());
  await b.keys(['Control', 'z']);
  await until(async () => (await shows(b)).length === 0, 'the show undone after the restart');
  const toast = await evalJson(b, () => [...document.querySelectorAll('[role="alert"]')].map((t) => t.textContent));
  assert.ok(toast.some((text) => text.includes('Undone: add show "Lovers of the Red Sky"')), JSON.stringify(toast));

  // The History panel lists it, undone; Ctrl+Shift+Z makes it again.
  await b.keys('h');
  await b.$($testid('history')).waitForExist({ timeout: 5000 });
  const listed = await evalJson(b, () =>
    [...document.querySelectorAll('[data-testid="history-entry"]')].map((e) => e.textContent),
  );
  assert.ok(listed[0].includes('add show "Lovers of the Red Sky"') && listed[0].includes('undone'), JSON.stringify(listed));
  await screenshot(b, 'history');
  await b.keys('Escape');
  await b.execute(() => document.activeElement?.blur());
  await b.keys(['Control', 'Shift', 'z']);
  await until(async () => (await shows(b)).length === 1, 'the show redone');
});
