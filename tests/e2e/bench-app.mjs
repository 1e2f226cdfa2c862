// `cargo xtask bench app`: the window on an empty library and on the 100k-clip
// benchmark library (release build, under Xvfb, through the e2e harness).
// Not a test: it prints figures. Run it through xtask, which sets OUTTAKE_APP
// (the release binary), OUTTAKE_BENCH_LIBRARY (a copy of the benchmark
// library) and runs it under xvfb-run. With OUTTAKE_BENCH_CORPUS instead
// (`cargo xtask bench bigimport-app`) it measures only the window through a
// first import of that folder's clips (see `bigImport`).
//
// Measured per library:
// - launch → first full grid: from just before the WebDriver session (which
//   starts the app) to the page's `outtake:first-grid` mark (ClipGrid, the
//   first screen whose every card has its clip), on the same clock; and the
//   page's own share (from its navigation start).
// - PSS of the app and each WebKit process, after the window settles.
// - the sidebar's counts and grid pages through IPC, as the window asks
//   for them (p50/p95 of 40), the counts also after an edit.
// - scrolling: requestAnimationFrame deltas while the grid (and the results
//   of a search) are flung down and up by script, p95.
// - the same library composited through software OpenGL, as WebKit would
//   draw it here unless the app turned that off (the baseline of that choice).
// - the grid while storyboards are made: 30 real 720p clips of a minute are
//   added; the grid is flung while the importer makes their storyboards, and
//   again once it is idle (the baseline, same run, same window).

import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { count, evalJson, search, startApp, tempDir, until } from './harness.mjs';
import { appPid, memory, pssTree } from './processes.mjs';

const LIBRARY = process.env.OUTTAKE_BENCH_LIBRARY;
const CORPUS = process.env.OUTTAKE_BENCH_CORPUS;

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const fmt = (v) => v.toFixed(2);

/** p50/p95 ms of `times` runs of the command in the page. */
async function timed(browser, command, args, times = 40) {
  const ms = await browser.executeAsync(
    (command, args, times, done) => {
      const runs = [];
      const next = () => {
        if (runs.length === times) return done(runs);
        const start = performance.now();
        window.__TAURI_INTERNALS__.invoke(command, args).then(() => {
          runs.push(performance.now() - start);
          next();
        }, (error) => done({ error: String(error) }));
      };
      next();
    },
    command,
    args,
    times,
  );
  if (ms.error) throw new Error(`${command}: ${ms.error}`);
  return { p50: quantile(ms, 0.5), p95: quantile(ms, 0.95) };
}

/** Flings the scroller matching `selector` down and back up over `seconds`; rAF deltas. */
function fling(browser, selector, seconds = 4) {
  return browser.executeAsync(
    (selector, seconds, done) => {
      const scroller = document.querySelector(selector);
      if (!scroller) return done({ error: `no ${selector}` });
      const deltas = [];
      let last = performance.now();
      const end = last + seconds * 1000;
      const step = Math.max(40, scroller.clientHeight / 6);
      let down = true;
      const frame = (now) => {
        deltas.push(now - last);
        last = now;
        if (down && scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2) down = false;
        scroller.scrollTop += down ? step : -step;
        if (now < end) requestAnimationFrame(frame);
        else done({ deltas, top: scroller.scrollTop, height: scroller.scrollHeight });
      };
      requestAnimationFrame((now) => {
        last = now;
        requestAnimationFrame(frame);
      });
    },
    selector,
    seconds,
  );
}

async function settle(ms) {
  await new Promise((r) => setTimeout(r, ms));
}

async function measure(label, env, { full }) {
  const before = Date.now();
  const app = await startApp({ env, appDrawing: true });
  try {
    const { browser } = app;
    const ready = full ? '[data-testid="clip-card"]' : '[data-testid="empty-state"]';
    await until(() => evalJson(browser, (s) => document.querySelector(s) !== null, ready), `the ${label} window`, 60_000, 20);
    let firstGrid = null;
    if (full) {
      const mark = await until(
        () =>
          evalJson(browser, () => {
            const m = performance.getEntriesByName('outtake:first-grid')[0];
            return m ? { at: performance.timeOrigin + m.startTime, page: m.startTime } : null;
          }),
        'the first full grid',
        60_000,
        20,
      );
      firstGrid = { launch: mark.at - before, page: mark.page };
    }
    await settle(5000);
    const pid = appPid(app.driverPid);
    const pss = pid ? pssTree(pid) : [];
    const result = { label, firstGrid, pss };
    if (full) {
      result.facets = await timed(browser, 'facets', {});
      // After an edit: a tag on one clip and its removal, then the counts.
      const changed = [];
      for (let i = 0; i < 10; i++) {
        await browser.executeAsync((done) => {
          const invoke = window.__TAURI_INTERNALS__.invoke;
          invoke('tag_clips', { clip_ids: [1], tags: ['bench:probe'] }).then(() => invoke('untag_clip', { clip_id: 1, tag: 'bench:probe' })).then(done, done);
        });
        changed.push((await timed(browser, 'facets', {}, 1)).p50);
      }
      result.facetsChanged = { p50: quantile(changed, 0.5), p95: quantile(changed, 0.95) };
      const total = (await browser.executeAsync((done) => window.__TAURI_INTERNALS__.invoke('clip_page', { sort: 'added', offset: 0, limit: 1 }).then(done))).total;
      result.pages = {};
      for (const sort of ['added', 'title', 'duration']) {
        for (const [where, offset] of [['first', 0], ['middle', Math.floor(total / 2)], ['last', Math.max(0, total - 120)]]) {
          result.pages[`${sort} ${where}`] = await timed(browser, 'clip_page', { sort, offset, limit: 120 });
        }
      }
      const grid = await fling(browser, '.scroller');
      if (grid.error) throw new Error(grid.error);
      result.gridScroll = { frames: grid.deltas.length, p50: quantile(grid.deltas, 0.5), p95: quantile(grid.deltas, 0.95), max: Math.max(...grid.deltas) };
      await settle(3000);
      result.pssAfterGrid = pssTree(pid);
      await search(browser, '눈물');
      await settle(3000);
      result.pssAfterSearch = pssTree(pid);
      const results = await fling(browser, '[data-testid="results"]');
      if (results.error) throw new Error(results.error);
      result.resultsScroll = { frames: results.deltas.length, p50: quantile(results.deltas, 0.5), p95: quantile(results.deltas, 0.95), max: Math.max(...results.deltas) };
      result.pssAfterScroll = pssTree(pid);
    }
    return result;
  } finally {
    await app.stop();
  }
}

function printPss(rows) {
  const total = rows.reduce((s, r) => s + r.mb, 0);
  return `${rows.map((r) => `${r.name} ${fmt(r.mb)}`).join(', ')}; total ${fmt(total)} MB`;
}

/** Frame-time figures of one fling. */
/** The web process's PSS in MB among `rows`. */
const web = (rows) => rows.filter((r) => r.name.startsWith('WebKitWebProces')).reduce((s, r) => s + r.mb, 0);
const frames = (fling) => ({ frames: fling.deltas.length, p50: quantile(fling.deltas, 0.5), p95: quantile(fling.deltas, 0.95), max: Math.max(...fling.deltas) });
const framesText = (f) => `${f.frames} frames, rAF delta p50 ${fmt(f.p50)} ms, p95 ${fmt(f.p95)} ms, max ${fmt(f.max)} ms`;

/** The grid flung while storyboards are made, and again when the importer is idle. */
async function whileStoryboards() {
  // On-screen text is not read here: its minutes of work would only delay the baseline.
  const settings = path.join(tempDir('outtake-bench-'), 'settings.json');
  fs.writeFileSync(settings, JSON.stringify({ read_screen_text: false }));
  const app = await startApp({ env: { OUTTAKE_SETTINGS: settings }, appDrawing: true });
  try {
    const { browser } = app;
    const folder = path.join(app.dir, 'clips');
    fs.mkdirSync(folder);
    const source = path.join(app.dir, 'source.mp4');
    execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25:duration=60',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '50', '-pix_fmt', 'yuv420p', source]);
    // Each its own clip: the same picture with its own title in the container.
    for (let i = 0; i < 30; i++) {
      execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', source, '-c', 'copy', '-metadata', `title=making-of ${i}`,
        path.join(folder, `making-of ${String(i).padStart(2, '0')}.mp4`)]);
    }
    await browser.$('[data-testid="empty-state"]').waitForExist({ timeout: 20_000 });
    await browser.$('[data-testid="add-folder-path"]').setValue(folder);
    await browser.$('[data-testid="add-folder-submit"]').click();
    await until(async () => (await count(browser, '[data-testid="clip-card"]')) >= 12, 'the clips in the grid', 60_000);
    const phase = () => evalJson(browser, () => document.querySelector('[data-testid="import-progress"]')?.dataset.phase ?? 'idle');
    await until(async () => (await phase()) === 'storyboards', 'storyboards being made', 60_000, 50);
    const busy = frames(await fling(browser, '.scroller'));
    const during = await phase();
    await until(async () => ['keys', 'reading', 'listening', 'idle'].includes(await phase()), 'the storyboards made', 600_000, 500);
    // Content keys and on-screen text come after storyboards: wait for quiet.
    await until(async () => (await phase()) === 'idle', 'the importer and readers idle', 900_000, 1000);
    const idle = frames(await fling(browser, '.scroller'));
    return { busy, during, idle };
  } finally {
    await app.stop();
  }
}

/**
 * The window through a first import of the clips in `corpus` (`cargo xtask
 * bench bigimport-app`): the scan, then `minutes` of posters, storyboards and
 * the rest of the background work, with everything on as a fan has it. Every
 * 2 s: the app's memory (VmHWM, and the web process's PSS) and a one-second
 * fling of the grid once it shows clips.
 */
async function bigImport(corpus, clips, minutes) {
  const app = await startApp({ appDrawing: true });
  try {
    const { browser } = app;
    await browser.$('[data-testid="empty-state"]').waitForExist({ timeout: 20_000 });
    const pid = appPid(app.driverPid);
    const before = memory(pid);
    await browser.$('[data-testid="add-folder-path"]').setValue(corpus);
    const started = Date.now();
    await browser.$('[data-testid="add-folder-submit"]').click();
    const deltas = [];
    let webPeak = 0;
    let scanned = null;
    const total = () =>
      browser.executeAsync((done) => window.__TAURI_INTERNALS__.invoke('clip_page', { sort: 'added', offset: 0, limit: 1 }).then((p) => done(p.total), () => done(-1)));
    while (scanned === null || Date.now() - scanned < minutes * 60_000) {
      if (scanned === null && (await total()) >= clips) scanned = Date.now();
      if ((await count(browser, '[data-testid="clip-card"]')) > 0) deltas.push(...(await fling(browser, '.scroller', 1)).deltas);
      webPeak = Math.max(webPeak, web(pssTree(pid)));
      if (Date.now() - started > 45 * 60_000) throw new Error('the scan did not finish in 45 minutes');
      await settle(2000);
    }
    const status = await evalJson(browser, () => document.querySelector('[data-testid="status-bar"]')?.textContent?.trim() ?? '');
    return { scan: scanned - started, before, after: memory(pid), webPeak, frames: frames({ deltas }), status };
  } finally {
    await app.stop();
  }
}

if (CORPUS) {
  const clips = Number(process.env.OUTTAKE_BENCH_CLIPS ?? 10_000);
  const minutes = Number(process.env.OUTTAKE_BENCH_MINUTES ?? 5);
  const big = await bigImport(CORPUS, clips, minutes);
  console.log(`big import: ${clips} clips scanned into the window in ${fmt(big.scan / 1000)} s, then ${minutes} min of the background work`);
  console.log(`big import: app VmHWM ${fmt(big.before.hwm)} MB before, ${fmt(big.after.hwm)} MB after (VmRSS ${fmt(big.after.rss)} MB); web process PSS peak ${fmt(big.webPeak)} MB`);
  console.log(`big import: grid flung 1 s every 2 s throughout: ${framesText(big.frames)}`);
  console.log(`big import: the status bar at the end: ${big.status}`);
  process.exit(0);
}

const empty = await measure('empty library', {}, { full: false });
console.log(`empty library: PSS ${printPss(empty.pss)}`);
const storyboards = await whileStoryboards();
console.log(`grid fling while storyboards are made (the bar said ${storyboards.during} after): ${framesText(storyboards.busy)}`);
console.log(`grid fling, the same window idle (baseline): ${framesText(storyboards.idle)}`);
if (!LIBRARY) {
  console.log('OUTTAKE_BENCH_LIBRARY is not set: the 100k-clip part is skipped');
  process.exit(0);
}
const big = await measure('100k clips', { OUTTAKE_LIBRARY: LIBRARY }, { full: true });
console.log(`100k clips: launch → first full grid ${fmt(big.firstGrid.launch)} ms (the page's share from its navigation start: ${fmt(big.firstGrid.page)} ms)`);
console.log(`100k clips: PSS ${printPss(big.pss)}`);
console.log(`100k clips: PSS after the grid fling ${printPss(big.pssAfterGrid)}`);
console.log(`100k clips: PSS after that and a search of 200 clips ${printPss(big.pssAfterSearch)}`);
console.log(`100k clips: PSS after the grid and results flings ${printPss(big.pssAfterScroll)}`);
console.log(`web process growth empty → 100k: ${fmt(web(big.pss) - web(empty.pss))} MB`);
console.log(`sidebar counts (IPC): p50 ${fmt(big.facets.p50)} ms, p95 ${fmt(big.facets.p95)} ms; after an edit p50 ${fmt(big.facetsChanged.p50)} ms, p95 ${fmt(big.facetsChanged.p95)} ms`);
for (const [name, t] of Object.entries(big.pages)) console.log(`grid page ${name} (IPC): p50 ${fmt(t.p50)} ms, p95 ${fmt(t.p95)} ms`);
console.log(`results fling (눈물): ${big.resultsScroll.frames} frames, rAF delta p50 ${fmt(big.resultsScroll.p50)} ms, p95 ${fmt(big.resultsScroll.p95)} ms, max ${fmt(big.resultsScroll.max)} ms`);
console.log(`grid fling: ${big.gridScroll.frames} frames, rAF delta p50 ${fmt(big.gridScroll.p50)} ms, p95 ${fmt(big.gridScroll.p95)} ms, max ${fmt(big.gridScroll.max)} ms`);

// The same library drawn the way WebKit would on its own here: composited
// through software OpenGL (the app turns that off where there is no GPU render
// node, `src-tauri/src/rendering.rs`); the baseline of that choice, same run.
const composited = await measure('100k clips, composited', { OUTTAKE_LIBRARY: LIBRARY, WEBKIT_DISABLE_COMPOSITING_MODE: '0' }, { full: true });
console.log(`composited (baseline): launch → first full grid ${fmt(composited.firstGrid.launch)} ms; PSS ${printPss(composited.pss)}; after the flings ${printPss(composited.pssAfterScroll)}`);
console.log(`composited (baseline): grid fling ${framesText(composited.gridScroll)}; results fling ${framesText(composited.resultsScroll)}`);
