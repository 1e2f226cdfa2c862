// Drives the real Outtake window under Xvfb: tauri-driver (which starts the
// app through WebKitWebDriver) plus a WebdriverIO client. `cargo xtask e2e`
// runs these tests with OUTTAKE_APP (the debug binary) and OUTTAKE_E2E_OUT
// (where screenshots go) set.
//
//   const app = await startApp();        // fresh library + HOME, app running
//   await app.browser.$('[data-testid=…]') // WebdriverIO
//   await app.stop();                    // always, in t.after()
//
// Waits are on conditions (waitUntil), never fixed sleeps.

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { remote } from 'webdriverio';

const APP = process.env.OUTTAKE_APP;

const made = [];
process.on('exit', () => {
  if (process.env.OUTTAKE_E2E_KEEP) return;
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A new temp dir, removed when this test file's process ends (kept when
 * OUTTAKE_E2E_KEEP is set, to look at after a failure). Libraries, clips and
 * HOMEs of the tests live in these: left behind, the bench's 10,000 clips
 * alone took 1.5 GB a run.
 */
export function tempDir(prefix = 'outtake-e2e-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
export const OUT = process.env.OUTTAKE_E2E_OUT ?? path.join(os.tmpdir(), 'outtake-e2e');

/** A port nobody is listening on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => socket.end(() => resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/**
 * Resolves once `check()` is truthy; fails after `timeout` ms with `what`
 * (a string, or a function giving one: what was seen instead).
 */
export async function until(check, what, timeout = 20_000, every = 100) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) {
      const said = typeof what === 'function' ? await what() : what;
      throw new Error(`timed out after ${timeout} ms waiting for ${said}`);
    }
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

/**
 * Starts the app on a new, empty library in a temp dir with its own HOME, or
 * again on the library and HOME of an earlier start (`dir`: its `dir`).
 * Returns { browser, dir, library, stop, driverPid }.
 *
 * Under Xvfb there is no GPU, so the app would draw without compositing
 * (`src-tauri/src/rendering.rs`); drawn that way, WebKitWebDriver's
 * screenshots hung twice in one run of these tests (no answer in 120 s; the
 * other tests passed), so the tests keep WebKit's composited drawing, the one
 * a machine with a GPU uses. `appDrawing` leaves the choice to the app (the bench).
 */
export async function startApp({ env = {}, dir: again = null, appDrawing = false } = {}) {
  if (!APP) throw new Error('OUTTAKE_APP is not set: run these tests with `cargo xtask e2e`');
  const dir = again ?? tempDir();
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { recursive: true });
  const library = path.join(dir, 'library.db');
  const port = await freePort();
  const nativePort = await freePort();
  // tauri-driver starts the app with its own environment: the app's goes here.
  // Its own process group, so stopping it stops WebKitWebDriver and the app too;
  // its output goes to a log, so a leftover process can never hold the test
  // runner's pipes open.
  fs.mkdirSync(OUT, { recursive: true });
  const log = fs.openSync(path.join(OUT, `app-${path.basename(dir)}.log`), 'a');
  const driver = spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
    env: {
      ...process.env,
      HOME: home,
      XDG_DATA_HOME: path.join(home, '.local/share'),
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
      OUTTAKE_LIBRARY: library,
      ...(appDrawing ? {} : { WEBKIT_DISABLE_COMPOSITING_MODE: '0' }),
      ...env,
    },
    stdio: ['ignore', log, log],
    detached: true,
  });
  const exited = new Promise((resolve) => driver.once('exit', resolve));
  let browser;
  const stop = async () => {
    try {
      await browser?.deleteSession();
    } catch {
      // The session may already be gone; the driver is stopped either way.
    }
    // SIGTERM lets tauri-driver stop WebKitWebDriver (SIGKILL would leave it
    // holding its port); the whole group gets it, the app included.
    const signal = (name) => {
      try {
        process.kill(-driver.pid, name);
      } catch {
        // The group is gone already.
      }
    };
    signal('SIGTERM');
    const ended = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 10_000))]);
    await new Promise((r) => setTimeout(r, ended ? 200 : 0));
    signal('SIGKILL');
    fs.closeSync(log);
  };
  try {
    await until(() => listening(port), `tauri-driver on port ${port}`, 15_000);
    browser = await remote({
      hostname: '127.0.0.1',
      port,
      logLevel: 'warn',
      capabilities: {
        'tauri:options': { application: APP },
        'wdio:enforceWebDriverClassic': true,
        browserName: 'wry',
      },
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { browser, dir, library, stop, driverPid: driver.pid };
}

/** Runs `fn` in the page and returns its result through JSON (NaN-safe). */
export async function evalJson(browser, fn, ...args) {
  const text = await browser.execute(
    `return JSON.stringify((${fn.toString()})(...arguments), (k, v) => (Number.isNaN(v) ? null : v));`,
    ...args,
  );
  return JSON.parse(text);
}

/**
 * Types QUERY into the search box and waits for the results of the whole
 * query: results come as you type, so those of a prefix may show first.
 */
export async function search(browser, query) {
  await browser.$('[data-testid="search-input"]').setValue(query);
  await until(
    () =>
      evalJson(
        browser,
        (query) =>
          document.querySelector('[data-testid="results"]')?.dataset.query === query && !document.querySelector('.field.busy'),
        query,
      ),
    `the results of ${query}`,
  );
}

/** Saves a PNG of the window as OUT/NAME.png and returns its path. */
export async function screenshot(browser, name) {
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `${name}.png`);
  // Let the page paint what the test just did: WebKit's snapshot is of the
  // last frame drawn, which lags behind the DOM when nothing animates.
  await browser.executeAsync((done) => {
    const fallback = setTimeout(done, 1000);
    requestAnimationFrame(() => requestAnimationFrame(() => {
      clearTimeout(fallback);
      done();
    }));
  });
  await browser.saveScreenshot(file);
  return file;
}

/**
 * What the window shows now, for a failure's message: the open view, the
 * player's state, and any message on screen.
 */
export function seen(browser) {
  return evalJson(browser, () => {
    const v = document.querySelector('video');
    const view = [...document.querySelectorAll('main [data-testid]')].slice(0, 6).map((e) => e.dataset.testid);
    const said = [...document.querySelectorAll('[role="alert"], [role="status"]')].map((e) => e.textContent.trim()).filter(Boolean);
    const player = v && { src: v.currentSrc || v.src, ready: v.readyState, network: v.networkState, error: v.error?.code ?? null };
    return `view ${view.join(' ')}; player ${JSON.stringify(player)}; said ${JSON.stringify(said)}; focus ${document.activeElement?.dataset?.testid ?? document.activeElement?.tagName}`;
  });
}

/**
 * The first subtitle-line hit of the results on screen: where it starts, and
 * what the results say of it (machine-made, its source, its label).
 */
async function firstLineHit(browser) {
  return evalJson(browser, () => {
    const el = document.querySelector('[data-testid="hit"][data-kind="cue"]');
    return el && { start: Number(el.dataset.startMs), machine: el.dataset.machine, source: el.dataset.source, kind: el.querySelector('.kind')?.textContent.trim(), text: el.textContent };
  });
}

/**
 * Waits until the library finds `query` (lines a background reader adds come
 * in their own time; `what`, for a timeout, says what was awaited), then
 * searches it in the window and returns its first line hit (`firstLineHit`).
 */
export async function lineHitWhenFound(browser, query, what, timeout) {
  await until(async () => (await invoke(browser, 'search', { query, limit: 10 })).clips.length > 0, what, timeout, 500);
  await search(browser, query);
  return firstLineHit(browser);
}

/**
 * Opens `hit` (from `lineHitWhenFound`), waits for the player at its moment, and
 * returns the transcript's line whose text matches `words` (a RegExp), with
 * the label the transcript gives a machine-made line (null for none).
 */
export async function openLineHit(browser, hit, words) {
  await browser.$('[data-testid="hit"][data-kind="cue"]').click();
  await browser.$('[data-testid="clip-page"]').waitForExist({ timeout: 10_000 });
  await until(
    () =>
      evalJson(browser, (start) => {
        const v = document.querySelector('[data-testid="player"]');
        return v && v.readyState >= 2 && Math.abs(v.currentTime - start / 1000) < 1;
      }, hit.start),
    async () => `the player at the line's moment, ${hit.start} ms (${await seen(browser)})`,
  );
  return until(
    () =>
      evalJson(browser, (source, flags) => {
        const pattern = new RegExp(source, flags);
        const cue = [...document.querySelectorAll('[data-testid="transcript-cue"]')].find((c) => pattern.test(c.textContent));
        return cue && { text: cue.textContent, label: cue.querySelector('[data-testid="machine-made"]')?.textContent ?? null };
      }, words.source, words.flags),
    `the line ${words} in the transcript`,
  );
}

/** How many elements match `selector` now. */
export async function count(browser, selector) {
  return evalJson(browser, (s) => document.querySelectorAll(s).length, selector);
}

/**
 * Writes NAME.mp4 (H.264 + AAC, test pattern) into `dir`, with NAME.info.json
 * and NAME.ko.vtt beside it the way yt-dlp leaves them. Written under a
 * temporary name first and renamed, as a download finishes.
 */
export function makeClip(dir, name, { seconds = 6, title = name, cues = DEFAULT_CUES, chapters = [] } = {}) {
  const partial = path.join(dir, `${name}.mp4.part`);
  execFileSync('ffmpeg', [
    '-nostdin', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=25:duration=${seconds}`,
    // A tone per name: identical files would be one clip with two copies.
    '-f', 'lavfi', '-i', `sine=frequency=${tone(name)}:duration=${seconds}`,
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', '+faststart', '-f', 'mp4', partial,
  ]);
  const info = {
    id: name.replace(/\W/g, ''),
    title,
    description: 'Behind the scenes of Lovers of the Red Sky',
    uploader: 'SBS Drama',
    upload_date: '20210915',
    webpage_url: `https://www.youtube.com/watch?v=${name.replace(/\W/g, '')}`,
    tags: ['홍천기', 'making'],
    chapters,
  };
  fs.writeFileSync(path.join(dir, `${name}.info.json`), JSON.stringify(info));
  const vtt = ['WEBVTT', ''];
  for (const [start, end, text] of cues) vtt.push(`${stamp(start)} --> ${stamp(end)}`, text, '');
  fs.writeFileSync(path.join(dir, `${name}.ko.vtt`), vtt.join('\n'));
  fs.renameSync(partial, path.join(dir, `${name}.mp4`));
}

function tone(name) {
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.codePointAt(0)) % 2000;
  return 200 + hash;
}

const DEFAULT_CUES = [
  [0.5, 2.0, '오늘은 말 타는 장면을 찍어요'],
  [2.5, 4.0, '눈물이 나요, I am okay'],
  [4.2, 5.8, '다들 고생하셨습니다'],
];

function stamp(seconds) {
  const ms = Math.round(seconds * 1000);
  const h = String(Math.floor(ms / 3_600_000)).padStart(2, '0');
  const m = String(Math.floor(ms / 60_000) % 60).padStart(2, '0');
  const s = String(Math.floor(ms / 1000) % 60).padStart(2, '0');
  return `${h}:${m}:${s}.${String(ms % 1000).padStart(3, '0')}`;
}

/** Calls an app command the way the UI does (to check what the window stored); a failure names the command. */
export async function invoke(browser, command, args) {
  const text = await browser.executeAsync((command, args, done) => {
    window.__TAURI_INTERNALS__
      .invoke(command, args)
      .then((value) => done(JSON.stringify({ value })), (error) => done(JSON.stringify({ error })));
  }, command, args);
  const answer = JSON.parse(text);
  if (answer.error) throw new Error(`${command}: ${JSON.stringify(answer.error)}`);
  return answer.value;
}
