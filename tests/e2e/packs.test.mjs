// Packs in the window: one fan exports a show's pack from its editor; another
// fan, with the same video under another name, drops nothing and types nothing
// but the pack's path into "Import a pack…", sees each clip matched (and how)
// before anything is written, imports it, and the marker is in their library.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { count, invoke, makeClip, screenshot, startApp, tempDir, until } from './harness.mjs';

const $testid = (id) => `[data-testid="${id}"]`;

async function addFolder(browser, folder, clips) {
  await browser.$($testid('empty-state')).waitForExist({ timeout: 20_000 });
  await browser.$($testid('add-folder-path')).setValue(folder);
  await browser.$($testid('add-folder-submit')).click();
  await until(async () => (await count(browser, $testid('clip-card'))) === clips, `${clips} clip(s) in the grid`, 30_000);
}

test('a pack exported from one library is matched and imported in another', async (t) => {
  const source = path.join(tempDir('outtake-pack-'), 'downloads');
  fs.mkdirSync(source);
  t.after(() => fs.rmSync(path.dirname(source), { recursive: true, force: true }));
  makeClip(source, 'Lovers of the Red Sky making-of [pk1]', { seconds: 6 });
  const pack = path.join(path.dirname(source), 'red sky.outtake-pack.json');

  // Library A: a show, the clip placed in it, a marker; the pack from the show's editor.
  let app = await startApp();
  t.after(() => app.stop());
  await addFolder(app.browser, source, 1);
  const [clip] = (await invoke(app.browser, 'clip_page', { sort: 'added', offset: 0, limit: 10 })).clips;
  const show = await invoke(app.browser, 'add_show', { show: { title: 'Lovers of the Red Sky', native_title: '홍천기', aliases: [], network: null, year: null } });
  await invoke(app.browser, 'place_clips', { clip_ids: [clip.id], show: 'Lovers of the Red Sky', episode: 1 });
  await invoke(app.browser, 'add_marker', {
    clip_id: clip.id,
    marker: { start_ms: 1000, end_ms: 3000, title: 'Horse ride', scene: null, cast: [], tags: ['type:bts'], note: 'my own note', quote: null },
  });
  await app.browser.$($testid('manage-shows')).click();
  await app.browser.$($testid('cast-show')).waitForExist({ timeout: 5000 });
  await app.browser.$($testid('cast-show')).selectByAttribute('value', String(show.id));
  await app.browser.$($testid('show-export-pack')).waitForExist({ timeout: 5000 });
  await app.browser.$($testid('show-export-pack')).click();
  await until(async () => (await app.browser.$($testid('pack-path')).getValue()).endsWith('.outtake-pack.json'), 'a suggested name');
  await app.browser.$($testid('pack-path')).setValue(pack);
  await app.browser.$($testid('pack-export')).click();
  await until(() => fs.existsSync(pack), 'the pack written', 15_000);
  const text = fs.readFileSync(pack, 'utf8');
  assert.ok(!text.includes(source), 'no path of the fan in the pack');
  assert.ok(!text.includes('my own note'), 'no note unless asked');

  // The same from a selection of the grid: the selection's menu writes its pack.
  await app.browser.keys('Escape');
  await app.browser.$($testid('cast-manager')).waitForExist({ reverse: true, timeout: 5000 });
  await app.browser.execute(() => document.activeElement?.blur());
  await app.browser.keys(['Control', 'a']);
  await app.browser.$($testid('bulk-pack')).waitForExist({ timeout: 5000 });
  await app.browser.$($testid('bulk-pack')).click();
  const selectionPack = path.join(path.dirname(source), 'selection.outtake-pack.json');
  await until(async () => (await app.browser.$($testid('pack-path')).getValue()).endsWith('.outtake-pack.json'), 'a suggested name');
  await app.browser.$($testid('pack-path')).setValue(selectionPack);
  await app.browser.$($testid('pack-export')).click();
  await until(() => fs.existsSync(selectionPack), "the selection's pack written", 15_000);
  assert.equal(JSON.parse(fs.readFileSync(selectionPack, 'utf8')).clips.length, 1);
  await app.stop();

  // Library B: the same video under another name, elsewhere.
  app = await startApp();
  const other = path.join(app.dir, 'elsewhere');
  fs.mkdirSync(other);
  fs.copyFileSync(path.join(source, 'Lovers of the Red Sky making-of [pk1].mp4'), path.join(other, 'renamed copy.mp4'));
  fs.utimesSync(path.join(other, 'renamed copy.mp4'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  await addFolder(app.browser, other, 1);
  await app.browser.$($testid('import-pack')).click();
  await app.browser.$($testid('pack-path')).setValue(pack);
  await app.browser.$($testid('pack-preview')).click();
  await app.browser.$($testid('pack-report')).waitForExist({ timeout: 15_000 });
  const rows = await app.browser.$$($testid('pack-clip'));
  assert.equal(rows.length, 1);
  assert.equal(await rows[0].getAttribute('data-matched'), 'true');
  assert.match(await rows[0].getText(), /exact \(same file\)/);
  assert.equal((await invoke(app.browser, 'search', { query: 'Horse ride', limit: 10 })).clips.length, 0, 'nothing written before Import');
  await screenshot(app.browser, 'pack-preview');
  await app.browser.$($testid('pack-apply')).click();
  await until(async () => (await count(app.browser, $testid('pack-dialog'))) === 0, 'the dialog closed');
  const found = await invoke(app.browser, 'search', { query: 'Horse ride', limit: 10 });
  assert.equal(found.clips.length, 1, 'the marker is in library B');
  assert.ok(found.clips[0].hits.some((h) => h.kind === 'marker' && h.start_ms === 1000));
  // One edit: Undo takes the whole pack back.
  await invoke(app.browser, 'undo', { edit_id: null });
  assert.equal((await invoke(app.browser, 'search', { query: 'Horse ride', limit: 10 })).clips.length, 0, 'undone whole');

  // A re-encode of the same video lands: once the background has fingerprinted
  // both, Duplicates lists the pair, and keeping one merges the other into it.
  // (Sound that changes: a steady tone has no fingerprint to line up.)
  const ffmpeg = (...args) => execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args]);
  const original = path.join(other, 'stepped.mp4');
  const reencoded = path.join(other, 'smaller re-upload.mp4');
  ffmpeg('-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25:duration=8', '-f', 'lavfi', '-i', 'aevalsrc=sin(2*PI*(220+110*mod(floor(t*3)\\,7))*t):d=8',
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', '+faststart', '-f', 'mp4', `${original}.part`);
  ffmpeg('-i', `${original}.part`, '-vf', 'scale=320:180', '-c:v', 'libx264', '-crf', '32', '-c:a', 'aac', '-b:a', '64k', '-f', 'mp4', `${reencoded}.part`);
  fs.renameSync(`${original}.part`, original);
  fs.renameSync(`${reencoded}.part`, reencoded);
  await until(async () => (await count(app.browser, $testid('clip-card'))) === 3, 'both imported', 30_000);
  await until(async () => (await invoke(app.browser, 'duplicates', {})).length === 1, 'both clips fingerprinted and paired', 90_000, 500);
  await app.browser.$($testid('open-duplicates')).click();
  await app.browser.$($testid('duplicate')).waitForExist({ timeout: 10_000 });
  assert.equal(await app.browser.$($testid('duplicate')).getAttribute('data-kinship'), 'reencode');
  await screenshot(app.browser, 'duplicates');
  await app.browser.$($testid('duplicate-keep-a')).click();
  await app.browser.$($testid('duplicates-none')).waitForExist({ timeout: 10_000 });
  await until(async () => (await invoke(app.browser, 'clip_page', { sort: 'added', offset: 0, limit: 10 })).total === 2, 'the pair made one clip, with both copies');
});
