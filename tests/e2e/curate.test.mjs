// The worked example of DESIGN.md in the real window: the show and its cast,
// a making-of clip, four moments marked from the keyboard with cast and tags,
// searches that open each moment, and a bulk tag that is undone.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { count, evalJson, invoke, makeClip, screenshot, search, seen, startApp, until } from './harness.mjs';

const $testid = (id) => `[data-testid="${id}"]`;

const video = (browser) =>
  evalJson(browser, () => {
    const v = document.querySelector('[data-testid="player"]');
    return v ? { time: v.currentTime, ready: v.readyState, paused: v.paused } : null;
  });

async function seekTo(browser, seconds) {
  await browser.execute((s) => {
    const v = document.querySelector('[data-testid="player"]');
    v.pause();
    v.currentTime = s;
    document.activeElement?.blur();
  }, seconds);
  await until(async () => Math.abs((await video(browser)).time - seconds) < 0.05, `the playhead at ${seconds} s`);
}

async function pick(browser, testid, text) {
  await browser.$($testid(testid)).setValue(text);
  await until(
    () => evalJson(browser, () => document.activeElement?.parentElement?.querySelector('[role="option"]') !== null),
    `suggestions for ${text}`,
  );
  await browser.keys('Enter');
}

test('the worked example: marking moments, finding them, bulk tags with undo', async (t) => {
  const app = await startApp();
  t.after(() => app.stop());
  const { browser } = app;
  await browser.$($testid('empty-state')).waitForExist({ timeout: 20_000 });

  // The show and its cast, in the window's "Shows and cast" editor.
  await browser.$($testid('manage-shows')).click();
  await browser.$($testid('cast-manager')).waitForExist({ timeout: 5000 });
  await browser.$($testid('show-title')).setValue('Lovers of the Red Sky');
  await browser.$($testid('show-native')).setValue('홍천기');
  await browser.$($testid('show-save')).click();
  await browser.$($testid('cast-show')).waitForExist({ timeout: 5000 });
  const cast = [
    ['Kim Yoo Jung', '김유정', 'Hong Chun Gi'],
    ['Ahn Hyo Seop', '안효섭', 'Ha Ram'],
    ['Choi Kwang Il', '최광일', 'Hong Eun O'],
  ];
  for (const [i, [name, native, character]] of cast.entries()) {
    await browser.$($testid('cast-person')).setValue(name);
    await browser.$($testid('cast-native')).setValue(native);
    await browser.$($testid('cast-character')).setValue(character);
    await browser.$($testid('cast-add')).click();
    await until(async () => (await count(browser, $testid('cast-row'))) === i + 1, `${name} as ${character} in the cast`);
  }
  const rows = await evalJson(browser, () => [...document.querySelectorAll('[data-testid="cast-row"]')].map((r) => r.textContent));
  assert.ok(rows.some((r) => /Kim Yoo Jung\s*as\s*Hong Chun Gi/.test(r)), `cast: ${rows}`);
  await screenshot(browser, 'cast-editor');
  // The show itself: other names, network, year; an episode and a scene.
  await browser.$($testid('show-aliases')).setValue('Hong Chun-gi, Red Sky');
  await browser.$($testid('show-network')).setValue('SBS');
  await browser.$($testid('show-year')).setValue('2021');
  await browser.$($testid('show-save')).click();
  await browser.$($testid('episode-number')).setValue('1');
  await browser.$($testid('episode-title')).setValue('The Painter');
  await browser.$($testid('episode-add')).click();
  await until(async () => (await count(browser, $testid('episode-row'))) === 1, 'the episode');
  await browser.$($testid('scene-title')).setValue('Pulse scene');
  await browser.$($testid('scene-description')).setValue('Ha Ram takes her pulse');
  await browser.$($testid('scene-add')).click();
  await until(async () => (await count(browser, $testid('scene-row'))) === 1, 'the scene');
  const showId = Number(await browser.$($testid('cast-show')).getValue());
  const edited = await invoke(browser, 'show_view', { show_id: showId });
  assert.deepEqual(edited.show.aliases, ['Hong Chun-gi', 'Red Sky']);
  assert.equal(edited.show.network, 'SBS');
  assert.equal(edited.show.year, 2021);
  assert.deepEqual(edited.episodes.map((e) => [e.number, e.title]), [[1, 'The Painter']]);
  assert.deepEqual(edited.scenes.map((e) => [e.title, e.description]), [['Pulse scene', 'Ha Ram takes her pulse']]);
  // The show is found by its other name.
  assert.match((await invoke(browser, 'suggest', { text: 'show:red sk' }))[0]?.label ?? '', /^Lovers of the Red Sky/);
  await browser.$('[data-testid="cast-manager"] [aria-label="Close"]').click();
  // The people are known by their native names too.
  const people = await invoke(browser, 'suggest', { text: 'cast:김유' });
  assert.equal(people[0]?.label, 'Kim Yoo Jung');

  const folder = path.join(app.dir, 'downloads');
  fs.mkdirSync(folder);
  makeClip(folder, 'Lovers of the Red Sky making-of [lrs1]', { title: 'Lovers of the Red Sky making-of', seconds: 12 });
  makeClip(folder, 'bloopers one [b1]', { title: 'Bloopers one', seconds: 3 });
  makeClip(folder, 'bloopers two [b2]', { title: 'Bloopers two', seconds: 3 });
  await browser.$($testid('add-folder-path')).setValue(folder);
  await browser.$($testid('add-folder-submit')).click();
  await until(async () => (await count(browser, $testid('clip-card'))) === 3, 'three clips', 30_000);

  // Open the making-of clip (its show was guessed from the file name).
  const making = await evalJson(browser, () =>
    [...document.querySelectorAll('[data-testid="clip-card"]')].find((c) => c.textContent.includes('making-of'))?.dataset.clipId,
  );
  await browser.$(`${$testid('clip-card')}[data-clip-id="${making}"]`).click();
  await until(async () => (await video(browser))?.ready >= 1, async () => `the player (${await seen(browser)})`);

  const moments = [
    { from: 1, to: 3, title: 'Sealing ceremony action', cast: ['안효섭'], tag: 'type:action' },
    { from: 3, to: 5, title: 'Horse ride', cast: ['김유정', '안효섭'], tag: 'type:action' },
    { from: 6, to: 8, title: 'Pulse scene', cast: ['안효섭', '김유정'], tag: 'mood:romantic' },
    { from: 8, to: 11, title: 'Tearful farewell', cast: ['김유정', 'Choi Kwang Il'], tag: 'mood:emotional', quote: "I'm okay." },
  ];
  for (const [i, moment] of moments.entries()) {
    await seekTo(browser, moment.from);
    await browser.keys('i');
    await seekTo(browser, moment.to);
    await browser.keys('o');
    await browser.keys('m');
    await browser.$($testid('marker-editor')).waitForExist({ timeout: 5000 });
    await browser.$($testid('marker-title')).setValue(moment.title);
    for (const person of moment.cast) await pick(browser, 'marker-cast', person);
    await browser.$($testid('marker-tag')).setValue(moment.tag);
    await browser.keys('Enter');
    if (moment.quote) await browser.$($testid('marker-quote')).setValue(moment.quote);
    if (i === 3) await screenshot(browser, 'marker-editor');
    await browser.$($testid('marker-save')).click();
    await until(async () => (await count(browser, $testid('marker-range'))) === i + 1, `marker ${i + 1} on the timeline`);
  }
  const markers = await evalJson(browser, () =>
    [...document.querySelectorAll('[data-testid="marker-row"]')].map((row) => row.textContent),
  );
  assert.equal(markers.length, 4);
  assert.match(markers[3], /Tearful farewell/);
  assert.match(markers[3], /Kim Yoo Jung as Hong Chun Gi/);
  assert.match(markers[3], /I'm okay/);
  assert.match(markers[3], /0:08–0:11/, 'the marker runs from the in point to the out point');
  await browser.execute(() => {
    for (const dismiss of document.querySelectorAll('[aria-label="Dismiss"]')) dismiss.click();
    document.querySelector('[data-testid="clip-page"] .main').scrollTop = 0;
  });
  await until(async () => (await count(browser, '[aria-label="Dismiss"]')) === 0, 'the toasts gone');
  const top = await evalJson(browser, () => document.querySelector('[data-testid="player"]').getBoundingClientRect().top);
  assert.ok(top > 60, `the player is in view (top ${top})`);

  // Drag the end of the first marker from 0:03 back to 0:02, then undo it.
  const firstMarker = async () => (await invoke(browser, 'clip', { id: Number(making) })).detail.markers[0];
  const edge = await evalJson(browser, () => {
    const range = [...document.querySelectorAll('[data-testid="marker-range"]')].find((r) => r.ariaLabel.includes('Sealing'));
    const handle = range.querySelector('[data-testid="marker-end-edge"]').getBoundingClientRect();
    const lane = range.parentElement.getBoundingClientRect();
    return { x: handle.left + handle.width / 2, y: handle.top + handle.height / 2, left: lane.left, width: lane.width };
  });
  const target = edge.left + (edge.width * 2) / 12;
  await browser
    .action('pointer', { parameters: { pointerType: 'mouse' } })
    .move({ x: Math.round(edge.x), y: Math.round(edge.y), origin: 'viewport' })
    .down({ button: 0 })
    .move({ x: Math.round((edge.x + target) / 2), y: Math.round(edge.y), origin: 'viewport', duration: 50 })
    .move({ x: Math.round(target), y: Math.round(edge.y), origin: 'viewport', duration: 50 })
    .up({ button: 0 })
    .perform();
  await until(async () => Math.abs((await firstMarker()).end_ms - 2000) < 150, 'the marker ending at 0:02');
  assert.equal((await firstMarker()).start_ms, 1000, 'the start stays');
  assert.equal(await count(browser, $testid('marker-editor')), 0, 'a drag does not open the editor');
  await browser.execute(() => document.activeElement?.blur());
  await browser.keys(['Control', 'z']);
  await until(async () => (await firstMarker()).end_ms === 3000, 'the drag undone');
  // Play a moment so the video has a frame on screen again.
  await browser.execute(() => {
    const v = document.querySelector('[data-testid="player"]');
    v.currentTime = 8.5;
    void v.play();
  });
  await until(async () => {
    const v = await video(browser);
    return v && !v.paused && v.time > 9;
  }, 'the farewell playing');
  await screenshot(browser, 'curated-clip');

  // The clip's own tags: add one from its page, take it off again.
  const clipTags = () =>
    evalJson(browser, () => [...document.querySelectorAll('[data-testid="clip-tags"] .chip')].map((c) => c.textContent.trim()));
  await browser.$($testid('clip-tag-input')).setValue('type:bts');
  await browser.keys('Enter');
  await until(async () => (await clipTags()).some((t) => t.startsWith('type:bts')), 'the new tag on the clip');
  await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="clip-tags"] .chip')].find((c) => c.textContent.startsWith('type:bts')).click(),
  );
  await until(async () => !(await clipTags()).some((t) => t.startsWith('type:bts')), 'the tag taken off');

  // Each search opens the right moment.
  const searches = [
    ['horse', 3000],
    ['김유정', null],
    ['cast:"Ahn Hyo Seop"', null],
    ['"I\'m okay"', 8000],
  ];
  for (const [query, start] of searches) {
    await browser.$($testid('back')).click();
    await search(browser, query);
    const starts = await evalJson(browser, () =>
      [...document.querySelectorAll('[data-testid="hit"][data-kind="marker"]')].map((h) => Number(h.dataset.startMs)),
    );
    assert.ok(starts.length > 0 && (start === null || starts.includes(start)), `marker hits for ${query}: ${starts}`);
    const expected = start ?? starts[0];
    await browser.$(`${$testid('hit')}[data-kind="marker"][data-start-ms="${expected}"]`).click();
    let seen = null;
    await until(async () => {
      const v = await video(browser);
      seen = v;
      // It plays on from the moment, so it may be a little past it when looked at.
      return v && v.ready >= 1 && v.time >= expected / 1000 - 0.2 && v.time < expected / 1000 + 2.5;
    }, `${query} opening at ${expected} ms`).catch((error) => {
      throw new Error(`${error.message}; the player showed ${JSON.stringify(seen)}`);
    });
  }

  // Bulk: tag every clip, then undo.
  await browser.$($testid('back')).click();
  await browser.$('[data-testid="facet"][data-query=""]').click();
  await until(async () => (await count(browser, $testid('clip-card'))) === 3, 'the grid');
  await browser.execute(() => document.activeElement?.blur());
  await browser.keys(['Control', 'a']);
  await browser.$($testid('selection-bar')).waitForExist({ timeout: 5000 });
  await browser.$($testid('bulk-tag')).click();
  await browser.$($testid('bulk-tag-input')).setValue('type:blooper');
  await browser.keys('Enter');
  const tagged = () => invoke(browser, 'facets', {}).then((f) => f.tags.find((t) => t.name === 'type:blooper')?.clips ?? 0);
  await until(async () => (await tagged()) === 3, 'three clips tagged');
  // The toast of this edit has its own Undo (older toasts may still be showing).
  await browser.execute(() =>
    [...document.querySelectorAll('[role="alert"]')]
      .find((toast) => toast.textContent.includes('Tagged 3 clips'))
      .querySelector('[data-testid="undo"]')
      .click(),
  );
  await until(async () => (await tagged()) === 0, 'the bulk tag undone');

  // Bulk: put every clip in the show's episode 3, then undo.
  const inShow = () => invoke(browser, 'facets', {}).then((f) => f.shows[0].clips);
  assert.equal(await inShow(), 1);
  await browser.$($testid('bulk-show')).click();
  await browser.$('[aria-label="Episode"]').setValue('3');
  await pick(browser, 'bulk-show-input', '홍천');
  await until(async () => (await inShow()) === 3, 'three clips in the show');
  await browser.execute(() =>
    [...document.querySelectorAll('[role="alert"]')]
      .find((toast) => toast.textContent.includes('Put 3 clips'))
      .querySelector('[data-testid="undo"]')
      .click(),
  );
  await until(async () => (await inShow()) === 1, 'the clips back where they were');

  // The tag manager: a renamed tag is found by its new name.
  await browser.keys('Escape');
  await browser.$($testid('manage-tags')).click();
  await browser.$($testid('tag-manager')).waitForExist({ timeout: 5000 });
  await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="tag-row"]')]
      .find((row) => row.textContent.includes('mood:romantic'))
      .querySelector('button')
      .click(),
  );
  await browser.$('[aria-label="New name"]').setValue('mood:sweet');
  await browser.keys('Enter');
  await until(
    () => evalJson(browser, () => document.querySelector('[data-testid="tag-manager"]').textContent.includes('mood:sweet')),
    'the renamed tag',
  );
  await browser.$('[data-testid="tag-manager"] [aria-label="Close"]').click();
  await browser.$($testid('search-input')).setValue('tag:mood:sweet');
  await until(
    () => evalJson(browser, () => [...document.querySelectorAll('[data-testid="hit"]')].some((h) => h.textContent.includes('Pulse scene'))),
    'the pulse scene under its tag’s new name',
  );
});
