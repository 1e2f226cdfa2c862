// Drives the real Outtake window under Xvfb: tauri-driver (which starts the
// app through WebKitWebDriver) plus a WebdriverIO client. `cargo xtask e2e`
// runs these tests (`node --test --test-concurrency=1 tests/e2e/` inside
// `xvfb-run`) with OUTTAKE_APP (the debug binary) and OUTTAKE_E2E_OUT (where
// screenshots and the app's logs go) set.
//
//   const app = await startApp();          // fresh library + HOME, app running
//   t.after(() => app.stop());             // always: stops it even when the test fails
//   await waitForSelector(app.browser, '[data-testid="empty-state"]');
//   await app.browser.$('[data-testid=…]').click();   // plain WebdriverIO
//   assert.equal(await evalJson(app.browser, () => document.title), 'Outtake');
//   await screenshot(app.browser, 'first-run');       // OUTTAKE_E2E_OUT/first-run.png
//
// API:
//   startApp({ library, home, env }) → { browser, dir, library, home, log, stop }
//     A new temp dir per call; the app gets OUTTAKE_LIBRARY=`library` (default
//     DIR/library.db, which the app creates), HOME=`home` (default DIR/home) and
//     XDG_{DATA,CONFIG,CACHE}_HOME under it, plus `env`. Pass the `library` and
//     `home` of an earlier app to reopen them. `log` is the app's stdout/stderr.
//     stop() deletes the session, then SIGTERMs tauri-driver's process group
//     (SIGKILL only if it is still there 10 s later); calling it twice is fine.
//     If the test process itself is stopped (SIGTERM/SIGINT, the outer timeout),
//     every app still running gets SIGTERM too.
//   until(check, what, timeout = 20 s)       awaits a truthy check(); returns its value
//   waitForSelector(browser, css, { timeout }) → the element, once it exists
//   waitForText(browser, text, { selector = 'body', timeout }) text is a string or RegExp
//   evalJson(browser, fn, ...args)         fn runs in the page; its result comes back
//                                          through JSON.stringify (NaN → null)
//   count(browser, css)                    how many elements match now
//   screenshot(browser, name)              PNG of the window → OUT/NAME.png (its path)
//   makeClip(dir, name, { seconds = 6, title, cues, chapters, withInfoJson = true,
//            withKoVtt = true })           NAME.mp4 (H.264/AAC) + yt-dlp sidecars → its path
//   freePort(), OUT
//
// Waits are on conditions, never fixed sleeps.

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { remote } from 'webdriverio';

const APP = process.env.OUTTAKE_APP;
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

/** Resolves once `check()` is truthy; fails after `timeout` ms with `what`. */
export async function until(check, what, timeout = 20_000, every = 100) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

// Process groups of the tauri-drivers this process started and has not stopped yet.
const running = new Set();
let hooked = false;

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

// When the test process is stopped from outside (the outer timeout, Ctrl-C),
// t.after() never runs: SIGTERM the apps still running on the way out, or they
// would outlive the run (tauri-driver has its own process group).
function stopAllOnExit() {
  if (hooked) return;
  hooked = true;
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]]) {
    process.once(signal, () => process.exit(code));
  }
  process.once('exit', () => {
    for (const pid of running) signalGroup(pid, 'SIGTERM');
  });
}

/**
 * Starts the app through tauri-driver on a new, empty library in a temp dir
 * with its own HOME (or on the given `library` / `home`); `env` is added to
 * the app's environment. Returns { browser, dir, library, home, log, stop }.
 */
export async function startApp({ library, home, env = {} } = {}) {
  if (!APP) throw new Error('OUTTAKE_APP is not set: run these tests with `cargo xtask e2e`');
  stopAllOnExit();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outtake-e2e-'));
  home ??= path.join(dir, 'home');
  library ??= path.join(dir, 'library.db');
  fs.mkdirSync(home, { recursive: true });
  const port = await freePort();
  const nativePort = await freePort();
  // tauri-driver starts the app with its own environment: the app's goes here.
  // Its own process group, so stopping it stops WebKitWebDriver and the app too;
  // its output goes to a log, so a leftover process can never hold the test
  // runner's pipes open.
  fs.mkdirSync(OUT, { recursive: true });
  const logPath = path.join(OUT, `app-${path.basename(dir)}.log`);
  const log = fs.openSync(logPath, 'w');
  const driver = spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
    env: {
      ...process.env,
      HOME: home,
      XDG_DATA_HOME: path.join(home, '.local/share'),
      XDG_CONFIG_HOME: path.join(home, '.config'),
      XDG_CACHE_HOME: path.join(home, '.cache'),
      OUTTAKE_LIBRARY: library,
      ...env,
    },
    stdio: ['ignore', log, log],
    detached: true,
  });
  let ended = null; // why tauri-driver is gone, once it is
  const exited = new Promise((resolve) => {
    driver.once('error', (error) => {
      ended = `could not start tauri-driver (${error.message}); is it on PATH?`;
      resolve();
    });
    driver.once('exit', (code, signal) => {
      ended = `tauri-driver exited (${signal ?? `code ${code}`}); see ${logPath}`;
      resolve();
    });
  });
  if (driver.pid) running.add(driver.pid);
  let browser;
  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      try {
        await browser?.deleteSession();
      } catch {
        // The session may already be gone; the driver is stopped either way.
      }
      // SIGTERM lets tauri-driver stop WebKitWebDriver (SIGKILL would leave it
      // holding its port); the whole group gets it, the app included.
      if (driver.pid) {
        signalGroup(driver.pid, 'SIGTERM');
        let timer;
        const inTime = await Promise.race([
          exited.then(() => true),
          new Promise((resolve) => (timer = setTimeout(() => resolve(false), 10_000))),
        ]);
        clearTimeout(timer); // a pending timer would keep this process alive
        if (inTime) await new Promise((resolve) => setTimeout(resolve, 200));
        // Whatever of the group is still there (or everything, after 10 s).
        signalGroup(driver.pid, 'SIGKILL');
        running.delete(driver.pid);
      }
      fs.closeSync(log);
    })());
  try {
    await until(
      () => {
        if (ended) throw new Error(ended);
        return listening(port);
      },
      `tauri-driver on port ${port}`,
      15_000,
    );
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
  return { browser, dir, library, home, log: logPath, stop };
}

/** Resolves to the element matching `selector` once there is one. */
export async function waitForSelector(browser, selector, { timeout = 20_000 } = {}) {
  await until(
    () => evalJson(browser, (s) => document.querySelector(s) !== null, selector),
    `an element matching ${selector}`,
    timeout,
  );
  return browser.$(selector);
}

/**
 * Resolves once an element matching `selector` (default: the body) has text
 * containing `text` (a string, or a RegExp tested against its textContent).
 */
export async function waitForText(browser, text, { selector = 'body', timeout = 20_000 } = {}) {
  const pattern = text instanceof RegExp ? { source: text.source, flags: text.flags } : null;
  return until(
    () =>
      evalJson(
        browser,
        (s, t, p) =>
          [...document.querySelectorAll(s)].some((el) =>
            p ? new RegExp(p.source, p.flags).test(el.textContent) : el.textContent.includes(t),
          ),
        selector,
        pattern ? null : String(text),
        pattern,
      ),
    `text ${text} in ${selector}`,
    timeout,
  );
}

/** Runs `fn` in the page and returns its result through JSON (NaN-safe). */
export async function evalJson(browser, fn, ...args) {
  const text = await browser.execute(
    `return JSON.stringify((${fn.toString()})(...arguments), (k, v) => (Number.isNaN(v) ? null : v));`,
    ...args,
  );
  return JSON.parse(text);
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

/** How many elements match `selector` now. */
export async function count(browser, selector) {
  return evalJson(browser, (s) => document.querySelectorAll(s).length, selector);
}

/**
 * Writes NAME.mp4 (H.264 + AAC, test pattern) into `dir`, with NAME.info.json
 * and NAME.ko.vtt beside it the way yt-dlp leaves them (unless `withInfoJson`
 * / `withKoVtt` is false), and returns its path. The video is written under a
 * temporary name first and renamed, as a download finishes. The default cues
 * run to 5.8 s: give shorter clips their own `cues`.
 */
export function makeClip(
  dir,
  name,
  { seconds = 6, title = name, cues = DEFAULT_CUES, chapters = [], withInfoJson = true, withKoVtt = true } = {},
) {
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
  if (withInfoJson) fs.writeFileSync(path.join(dir, `${name}.info.json`), JSON.stringify(info));
  const vtt = ['WEBVTT', ''];
  for (const [start, end, text] of cues) vtt.push(`${stamp(start)} --> ${stamp(end)}`, text, '');
  if (withKoVtt) fs.writeFileSync(path.join(dir, `${name}.ko.vtt`), vtt.join('\n'));
  const clip = path.join(dir, `${name}.mp4`);
  fs.renameSync(partial, clip);
  return clip;
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
