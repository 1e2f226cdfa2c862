// Words nobody typed, heard, in the real window: the fan chooses a speech
// model in the settings; a clip whose only words are spoken lands in a
// watched folder and is heard in the background; a search for a spoken word
// finds it, opens the clip at that moment, and the transcript marks the line
// as heard. The model is whisper base, made once by `cargo xtask e2e` (as the
// speech integration tests make it) and named by OUTTAKE_SPEECH_MODEL.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { invoke, lineHitWhenFound, openLineHit, screenshot, seen, startApp, until } from './harness.mjs';

const $testid = (id) => `[data-testid="${id}"]`;
const MODEL = process.env.OUTTAKE_SPEECH_MODEL;
const SAID = 'The horse riding scene was filmed early in the morning.';

/** A small clip over a test picture whose sound is SAID by espeak-ng from 1.5 s, in `dir`. */
function spokenClip(work, dir, name) {
  const wav = path.join(work, `${name}.wav`);
  execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', wav, SAID]);
  const partial = path.join(dir, `${name}.part`);
  execFileSync('ffmpeg', [
    '-nostdin', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=10:duration=7',
    '-i', wav,
    '-filter_complex', '[1:a]aresample=16000,adelay=1500:all=1,apad[a]',
    '-map', '0:v', '-map', '[a]', '-t', '7',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'mp4', partial,
  ]);
  fs.renameSync(partial, path.join(dir, `${name}.mp4`));
}

test(
  'with a speech model chosen in the settings, spoken words are heard in the background, found and marked heard',
  { skip: MODEL ? false : 'no speech model: run through `cargo xtask e2e`, which makes it' },
  async (t) => {
    const app = await startApp();
    t.after(() => app.stop());
    const { browser } = app;
    await browser.$($testid('empty-state')).waitForExist({ timeout: 20_000 });

    // The fan chooses the model file in the settings (`,`).
    await browser.execute(() => document.activeElement?.blur());
    await browser.keys(',');
    await browser.$($testid('settings')).waitForExist({ timeout: 5000 });
    await browser.$($testid('settings-speech-model')).setValue(MODEL);
    await browser.$($testid('settings-speech-model-keep')).click();
    await until(async () => (await invoke(browser, 'settings', {})).settings.speech_model === MODEL, 'the model kept');
    await browser.keys('Escape');

    const folder = path.join(app.dir, 'interviews');
    fs.mkdirSync(folder);
    spokenClip(app.dir, folder, '촬영 현장 인터뷰');
    await browser.$($testid('add-folder-path')).setValue(folder);
    await browser.$($testid('add-folder-submit')).click();

    // Nobody typed the words: they come when the listener has heard the clip.
    const hit = await lineHitWhenFound(
      browser,
      'horse',
      async () => `the spoken words heard (${await seen(browser)}; the model would not load: ${(await invoke(browser, 'settings', {})).speech_off})`,
      120_000,
    );
    assert.ok(hit, 'a line hit');
    assert.equal(hit.machine, 'true', `the hit is machine-made: ${hit.text}`);
    assert.deepEqual([hit.source, hit.kind], ['speech', 'Heard'], `the hit says it was heard: ${hit.text}`);
    assert.ok(hit.start >= 500 && hit.start <= 3000, `the line starts near 1.5 s, not at ${hit.start}`);

    // Open it: the clip plays from the spoken moment, and the transcript
    // marks the line as heard.
    const line = await openLineHit(browser, hit, /horse/i);
    assert.equal(line.label, 'Heard', `the transcript marks the line as heard: ${line.text}`);
    assert.match(line.text, /horse riding scene/i, 'the words as said');
    await screenshot(browser, 'speech-transcript');
  },
);
