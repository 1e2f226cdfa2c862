// The window while a fan works: at 1280×800 and at 1920×1080 the player and
// the whole marker form are on screen at once and no message covers a field,
// a button or the player (checked by element rectangles); Alt+I sets the
// form's start at the playhead while typing. And when downloads land while
// the grid is scrolled with a card selected, no card shown before loses its
// title or poster in any animation frame, and the scroll and the selection
// stay.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { count, evalJson, makeClip, screenshot, startApp, until } from './harness.mjs';

const $testid = (id) => `[data-testid="${id}"]`;

async function addFolder(browser, folder, clips) {
  await browser.$($testid('empty-state')).waitForExist({ timeout: 20_000 });
  await browser.$($testid('add-folder-path')).setValue(folder);
  await browser.$($testid('add-folder-submit')).click();
  await until(() => evalJson(browser, () => document.querySelector('[data-testid="clip-card"]') !== null), 'the grid', 30_000);
  await until(
    () => evalJson(browser, () => document.querySelector('nav')?.textContent ?? '').then((text) => new RegExp(`All clips\\s*${clips}(?!\\d)`).test(text)),
    `${clips} clips in the library`,
    60_000,
  );
}

/** What covers what on screen now: rectangles of the player, the form, the message and every control. */
function layout(browser) {
  return evalJson(browser, () => {
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, left: r.left, bottom: r.bottom, right: r.right, width: r.width, height: r.height };
    };
    const toast = document.querySelector('[data-testid="toast"]');
    const controls = [...document.querySelectorAll('input, textarea, select, button, video')]
      .filter((el) => !toast?.contains(el) && el.getBoundingClientRect().width > 0)
      .map((el) => ({ what: el.dataset.testid ?? el.getAttribute('aria-label') ?? el.tagName, ...box(el) }));
    return {
      viewport: { width: innerWidth, height: innerHeight },
      player: box(document.querySelector('[data-testid="player"]')),
      form: box(document.querySelector('[data-testid="marker-editor"]')),
      toast: toast ? box(toast) : null,
      controls,
    };
  });
}

const inside = (r, v) => r.top >= 0 && r.left >= 0 && r.bottom <= v.height + 0.5 && r.right <= v.width + 0.5 && r.height > 0;
const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

async function checkLayout(browser, size) {
  const seen = await layout(browser);
  assert.ok(inside(seen.player, seen.viewport), `${size}: the player is not all on screen: ${JSON.stringify(seen.player)} in ${JSON.stringify(seen.viewport)}`);
  assert.ok(seen.player.height >= 200, `${size}: the player is only ${seen.player.height}px high`);
  assert.ok(inside(seen.form, seen.viewport), `${size}: the marker form is not all on screen: ${JSON.stringify(seen.form)} in ${JSON.stringify(seen.viewport)}`);
  assert.ok(!overlap(seen.form, seen.player), `${size}: the form covers the player`);
  assert.ok(seen.toast, `${size}: the message of the last edit is shown`);
  const covered = seen.controls.filter((c) => overlap(c, seen.toast));
  assert.deepEqual(covered, [], `${size}: the message covers ${covered.map((c) => c.what).join(', ')}`);
  await screenshot(browser, `marker-form-${size}`);
}

test('the player and the whole marker form stay in view at both sizes, and no message covers a field', async (t) => {
  const app = await startApp();
  t.after(() => app.stop());
  const { browser } = app;
  const folder = path.join(app.dir, 'downloads');
  fs.mkdirSync(folder);
  makeClip(folder, 'Lovers of the Red Sky making-of [win1]', { seconds: 12 });
  await addFolder(browser, folder, 1);
  await browser.$($testid('clip-card')).click();
  await browser.$($testid('player')).waitForExist({ timeout: 30_000 });

  // Three markers, each leaving its message; then the form for a fourth.
  for (const title of ['Sealing ceremony', 'Horse ride', 'Pulse scene']) {
    await browser.execute(() => document.activeElement?.blur());
    await browser.keys('m');
    await browser.$($testid('marker-title')).setValue(title);
    await browser.$($testid('marker-save')).click();
    await until(() => evalJson(browser, (t) => document.querySelector('[data-testid="toast"]')?.textContent.includes(t), title), `the message for ${title}`);
  }
  assert.equal(await count(browser, $testid('toast')), 1, 'one message at a time');
  await browser.execute(() => document.activeElement?.blur());
  await browser.keys('m');
  await browser.$($testid('marker-title')).setValue('Tearful farewell');

  await browser.setWindowSize(1280, 800);
  await until(() => evalJson(browser, () => innerWidth <= 1280), 'the window at 1280×800');
  await checkLayout(browser, '1280x800');

  // While typing in the form: Alt+I takes the playhead as the start.
  const playhead = await evalJson(browser, () => {
    const v = document.querySelector('[data-testid="player"]');
    v.currentTime = 7.5;
    return 7.5;
  });
  await until(() => evalJson(browser, () => document.querySelector('[data-testid="player"]').currentTime >= 7.4), 'the seek');
  await browser.$($testid('marker-quote')).click();
  await browser.keys(['Alt', 'i']);
  await until(() => evalJson(browser, () => document.querySelector('[data-testid="marker-from"]').value).then((v) => v === '0:07.5'), `From set to the playhead (${playhead} s)`);
  const quote = await evalJson(browser, () => document.querySelector('[data-testid="marker-quote"]').value);
  assert.equal(quote, '', 'Alt+I typed nothing into the field');

  await browser.setWindowSize(1920, 1080);
  await until(() => evalJson(browser, () => innerWidth > 1280), 'the window at 1920×1080');
  await checkLayout(browser, '1920x1080');

  // Esc dismisses the message.
  await browser.keys('Escape');
  await until(async () => (await count(browser, $testid('toast'))) === 0, 'the message dismissed by Esc');
  await browser.setWindowSize(1200, 800);
});

/** Copies `base` as N clips with their own titles (so their own fingerprints), old enough to import at once. */
function copies(base, folder, names) {
  for (const name of names) {
    const out = path.join(folder, `${name}.mp4`);
    execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', base, '-c', 'copy', '-metadata', `title=${name}`, `${out}.part.mp4`]);
    fs.renameSync(`${out}.part.mp4`, out);
  }
}

test('downloads landing while the grid is scrolled never blank a card, and keep the scroll and the selection', async (t) => {
  const app = await startApp();
  t.after(() => app.stop());
  const { browser } = app;
  const folder = path.join(app.dir, 'downloads');
  fs.mkdirSync(folder);
  makeClip(folder, 'base clip [grid0]', { seconds: 2 });
  const base = path.join(folder, 'base clip [grid0].mp4');
  copies(base, folder, Array.from({ length: 23 }, (_, i) => `making-of ${String(i + 1).padStart(2, '0')} [grid${i + 1}]`));
  await addFolder(browser, folder, 24);

  // Every card on screen has its poster; scroll one row down and select a card there.
  await until(
    () =>
      evalJson(browser, () => {
        const view = document.querySelector('.scroller').getBoundingClientRect();
        const imgs = [...document.querySelectorAll('[data-testid="clip-card"] img')].filter((img) => {
          const r = img.getBoundingClientRect();
          return r.bottom > view.top && r.top < view.bottom;
        });
        return imgs.length >= 8 && imgs.every((img) => img.complete && img.naturalWidth > 0);
      }),
    'the posters on screen',
    60_000,
  );
  await browser.execute(() => document.activeElement?.blur());
  await browser.keys('ArrowDown');
  const before = await evalJson(browser, () => {
    const scroller = document.querySelector('.scroller');
    scroller.scrollTop = 218;
    scroller.dispatchEvent(new Event('scroll'));
    return { scroll: scroller.scrollTop };
  });
  await until(
    () =>
      evalJson(browser, () => {
        const view = document.querySelector('.scroller').getBoundingClientRect();
        return [...document.querySelectorAll('[data-testid="clip-card"] img')]
          .filter((img) => {
            const r = img.getBoundingClientRect();
            return r.bottom > view.top && r.top < view.bottom;
          })
          .every((img) => img.complete && img.naturalWidth > 0);
      }),
    'the posters on screen after the scroll',
  );
  const selectedBefore = await evalJson(browser, () => document.querySelector('[data-testid="clip-card"].selected')?.dataset.clipId);
  assert.ok(selectedBefore, 'a card is selected');

  // Sample every animation frame: each card shown now must keep its title and poster.
  await browser.execute(() => {
    // The cards on screen (those below the fold load their posters lazily).
    const view = document.querySelector('.scroller').getBoundingClientRect();
    const shown = new Map(
      [...document.querySelectorAll('[data-testid="clip-card"]')]
        .filter((card) => {
          const r = card.getBoundingClientRect();
          return r.bottom > view.top && r.top < view.bottom;
        })
        .map((card) => [card.dataset.clipId, card.querySelector('.title')?.textContent]),
    );
    const record = { frames: 0, blanks: [], placeholders: 0 };
    window.__grid = record;
    const look = () => {
      record.frames++;
      for (const card of document.querySelectorAll('[data-testid="clip-card"]')) {
        if (!shown.has(card.dataset.clipId)) continue;
        const img = card.querySelector('img');
        const title = card.querySelector('.title')?.textContent;
        if (!img || !img.complete || img.naturalWidth === 0 || title !== shown.get(card.dataset.clipId)) {
          if (record.blanks.length < 20) record.blanks.push({ id: card.dataset.clipId, frame: record.frames, title, img: !!img });
        }
      }
      record.placeholders += document.querySelectorAll('.scroller .loading').length;
      if (!record.stop) requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });

  // Three downloads land, one after another.
  for (let i = 0; i < 3; i++) {
    makeClip(folder, `new download ${i} [land${i}]`, { seconds: 2 });
    await new Promise((resolve) => setTimeout(resolve, 700));
  }
  await until(() => evalJson(browser, () => document.querySelector('nav')?.textContent ?? '').then((text) => /All clips\s*27/.test(text)), '27 clips', 60_000);
  // Their posters are made after them: wait for those changes to pass too
  // (storyboards, content keys and on-screen text, made in the background
  // after, change no poster and may go on).
  await until(
    () =>
      evalJson(browser, () => {
        const bar = document.querySelector('[data-testid="import-progress"]');
        return bar === null || ['storyboards', 'keys', 'reading'].includes(bar.dataset.phase);
      }),
    async () => `the posters made (the importer says ${await evalJson(browser, () => document.querySelector('[data-testid="import-progress"]')?.textContent)})`,
    60_000,
  );
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const record = await evalJson(browser, () => {
    window.__grid.stop = true;
    return window.__grid;
  });
  assert.ok(record.frames > 30, `sampled ${record.frames} frames`);
  assert.deepEqual(record.blanks, [], 'a card shown before the downloads lost its title or poster');
  assert.equal(record.placeholders, 0, 'a loading placeholder was drawn');
  const after = await evalJson(browser, () => ({
    scroll: document.querySelector('.scroller').scrollTop,
    selected: document.querySelector('[data-testid="clip-card"].selected')?.dataset.clipId,
    titles: [...document.querySelectorAll('[data-testid="clip-card"] .title')].map((t) => t.textContent),
  }));
  assert.equal(after.scroll, before.scroll, 'the scroll position moved');
  assert.equal(after.selected, selectedBefore, 'the selection moved to another clip');
  assert.ok(after.titles.some((title) => title.startsWith('new download')), `the new clips are shown: ${after.titles.join(' | ')}`);
  await screenshot(browser, 'grid-after-arrivals');
});

test('the frame shown becomes the poster, and its undo brings the old one back', async (t) => {
  const app = await startApp();
  t.after(() => app.stop());
  const { browser } = app;
  const folder = path.join(app.dir, 'downloads');
  fs.mkdirSync(folder);
  makeClip(folder, 'poster clip [post1]', { seconds: 12 });
  await addFolder(browser, folder, 1);
  // The poster as the media server gives it (the card's URL without its version).
  const url = await until(
    () => evalJson(browser, () => {
      const img = document.querySelector('[data-testid="clip-card"] img');
      return img && img.complete && img.naturalWidth > 0 && img.src.split('?')[0];
    }),
    'the first poster',
    30_000,
  );
  const poster = async () => Buffer.from(await (await fetch(url)).arrayBuffer());
  const first = await poster();
  await browser.$($testid('clip-card')).click();
  await browser.$($testid('player')).waitForExist({ timeout: 30_000 });
  await evalJson(browser, () => {
    document.querySelector('[data-testid="player"]').currentTime = 9.5;
  });
  await until(() => evalJson(browser, () => document.querySelector('[data-testid="player"]').currentTime >= 9.4), 'the seek to 9.5 s');
  await browser.$($testid('use-frame')).click();
  const chosen = await until(async () => {
    const now = await poster();
    return !now.equals(first) && now;
  }, 'the poster to become the frame at 9.5 s', 20_000);
  assert.ok(chosen.length > 1000, 'a picture');
  await browser.$($testid('own-poster')).waitForExist({ timeout: 10_000 });
  // The grid's card shows the new poster (its URL names the choice).
  await browser.keys('Escape');
  await until(() => evalJson(browser, () => document.querySelector('[data-testid="clip-card"] img')?.src.includes('&p=9500')), 'the card showing the chosen frame');
  // Undo: the clip's own poster again.
  await browser.keys(['Control', 'z']);
  await until(async () => (await poster()).equals(first), 'the old poster back after undo', 20_000);
  await screenshot(browser, 'poster-undone');
});
