// Smoke test of the harness itself: the real window starts on an empty
// library of its own, renders, runs JavaScript, and a screenshot of it is a
// real picture. If this fails, the other end-to-end tests cannot pass either.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { evalJson, screenshot, startApp, until } from './harness.mjs';

test('the window starts on a fresh library, renders and runs JavaScript', async (t) => {
  const app = await startApp();
  t.after(() => app.stop());
  const { browser } = app;

  // The UI mounted into #app and drew some text.
  const text = await until(
    () => evalJson(browser, () => document.querySelector('#app')?.innerText.trim() || null),
    'text in #app',
  );
  assert.ok(text.length > 0);
  assert.equal(await evalJson(browser, () => 1 + 1), 2);
  assert.ok((await browser.getTitle()).length > 0, 'the page has a title');
  // NaN cannot cross WebDriver inside an object; evalJson makes it null.
  assert.deepEqual(await evalJson(browser, () => ({ n: NaN, s: 'ok' })), { n: null, s: 'ok' });

  // OUTTAKE_LIBRARY reached the app: it made its library where it was told.
  await until(() => fs.existsSync(app.library), `the library at ${app.library}`);

  const file = await screenshot(browser, 'smoke');
  assert.ok(distinctBytes(file) > 16, `${file} is a blank picture`);
});

/** How many different byte values the PNG's pixel data has (a blank window has very few). */
function distinctBytes(file) {
  const png = fs.readFileSync(file);
  assert.equal(png.subarray(1, 4).toString(), 'PNG', `${file} is not a PNG`);
  const chunks = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') chunks.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return new Set(zlib.inflateSync(Buffer.concat(chunks))).size;
}
