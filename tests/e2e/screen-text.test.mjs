// Words nobody typed, in the real window: a clip with a caption burned into
// its picture and no subtitle file is read in the background after it lands;
// a search for a word of the caption finds it, opens the clip at that moment,
// and the transcript marks the line as read off the screen.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { count, lineHitWhenFound, openLineHit, screenshot, seen, startApp, until } from './harness.mjs';

const $testid = (id) => `[data-testid="${id}"]`;
const FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc';

/** A 720p clip over a moving test picture with CAPTION burned in from FROM to TO seconds. */
function captionClip(dir, name, caption, from, to) {
  const text = path.join(dir, `${name}.caption.txt`);
  fs.writeFileSync(text, caption);
  const partial = path.join(dir, `${name}.part`);
  execFileSync('ffmpeg', [
    '-nostdin', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=10:duration=6',
    '-vf', `drawtext=fontfile=${FONT}:textfile=${text}:fontsize=56:fontcolor=white:borderw=4:bordercolor=black:x=(w-text_w)/2:y=h-150:enable='between(t,${from},${to})'`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-f', 'mp4', partial,
  ]);
  fs.rmSync(text);
  fs.renameSync(partial, path.join(dir, `${name}.mp4`));
}

test('a caption burned into the picture is read in the background, found and opened at its moment', async (t) => {
  const app = await startApp();
  t.after(() => app.stop());
  const { browser } = app;
  const folder = path.join(app.dir, 'behind');
  fs.mkdirSync(folder);
  captionClip(folder, '홍천기 비하인드', '말 타는 장면 촬영', 2, 5);

  await browser.$($testid('empty-state')).waitForExist({ timeout: 20_000 });
  await browser.$($testid('add-folder-path')).setValue(folder);
  await browser.$($testid('add-folder-submit')).click();
  await until(async () => (await count(browser, $testid('clip-card'))) === 1, 'the clip in the grid', 30_000);

  // Nobody typed the words: they come when the reader has read the clip.
  // Korean typed without spaces finds the caption read with them.
  const hit = await lineHitWhenFound(browser, '말타는', async () => `the caption read off the picture (${await seen(browser)})`, 60_000);
  assert.ok(hit, 'a line hit');
  assert.equal(hit.machine, 'true', `the hit is machine-made: ${hit.text}`);
  assert.deepEqual([hit.source, hit.kind], ['screen', 'On screen'], `the hit says it was read off the screen: ${hit.text}`);
  assert.ok(hit.start >= 1000 && hit.start <= 3000, `the line starts near 2 s, not at ${hit.start}`);
  await screenshot(browser, 'screen-text-hit');

  // Open it: the clip plays from the caption's moment, and the transcript
  // marks the line as read off the screen.
  const line = await openLineHit(browser, hit, /타는/);
  assert.equal(line.label, 'On screen', `the transcript marks the line as read off the screen: ${line.text}`);
  await screenshot(browser, 'screen-text-transcript');
});
