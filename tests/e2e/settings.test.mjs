// A settings file that is cut short is said once in the window, set aside
// (its bytes kept), and the app starts with the defaults; settings saved from
// the window are written whole and read again at the next start.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { invoke, startApp, tempDir, until } from './harness.mjs';

test('a broken settings file is said once, set aside, and the window starts with defaults', async (t) => {
  const dir = tempDir();
  const folder = path.join(dir, 'home', '.config', 'outtake');
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, 'settings.json');
  const broken = '{"language": "ko", "theme": "da';
  const settingsFile = () => file;
  fs.writeFileSync(file, broken);

  let app = await startApp({ dir });
  t.after(() => app.stop());
  const said = await until(
    () => app.browser.execute(() => [...document.querySelectorAll('[data-testid="toast"]')].map((t) => t.textContent).join('\n')).then((text) => text.includes('settings.json') && text),
    'the window saying the settings file was not used',
  );
  assert.match(said, /not used/);
  assert.ok(!fs.existsSync(file), 'the broken file is no longer in the way');
  const aside = fs.readdirSync(folder).filter((name) => name.startsWith('settings.json.broken-'));
  assert.equal(aside.length, 1);
  assert.equal(fs.readFileSync(path.join(folder, aside[0]), 'utf8'), broken, 'its bytes are kept');
  const read = await invoke(app.browser, 'settings', {});
  assert.equal(read.settings.theme, null, 'the defaults apply');
  assert.equal(read.problem, null, 'said once');

  // Set in the settings dialog (`,`): the external player, the theme, the cache's limit.
  const { browser } = app;
  await browser.execute(() => document.activeElement?.blur());
  await browser.keys(',');
  await browser.$('[data-testid="settings"]').waitForExist({ timeout: 5000 });
  await browser.$('[data-testid="settings-player"]').setValue('mpv');
  await browser.$('[data-testid="settings-player-keep"]').click();
  await until(() => fs.existsSync(file) && JSON.parse(fs.readFileSync(file, 'utf8')).external_player === 'mpv', 'the player kept in the file');
  await browser.$('[data-testid="settings-theme"]').selectByAttribute('value', 'dark');
  await until(() => browser.execute(() => document.documentElement.dataset.theme).then((t) => t === 'dark'), 'the dark theme at once');
  await until(() => JSON.parse(fs.readFileSync(file, 'utf8')).theme === 'dark', 'the theme kept in the file');
  await browser.$('[data-testid="settings-cache-limit"]').setValue('100');
  await browser.$('[data-testid="settings-cache-set"]').click();
  await until(async () => /100/.test(await browser.$('[data-testid="settings-cache-usage"]').getText()), 'the new limit shown');
  // The cache in a folder of the fan's: made, and the place every part of the app uses.
  const cache = path.join(dir, 'big disk', 'outtake cache');
  await browser.$('[data-testid="settings-cache-folder"]').setValue(cache);
  await browser.$('[data-testid="settings-cache-folder-keep"]').click();
  await until(() => fs.existsSync(cache), 'the cache folder made');
  assert.equal(await invoke(browser, 'cache_folder', {}), cache);

  // Moving the library: a whole copy in the new place, opened from the next start; the old one stays.
  const moved = path.join(dir, 'moved', 'library.db');
  fs.mkdirSync(path.dirname(moved));
  await browser.$('[data-testid="settings-move"]').setValue(moved);
  await browser.$('[data-testid="settings-move-do"]').click();
  await until(() => fs.existsSync(settingsFile()) && JSON.parse(fs.readFileSync(file, 'utf8')).library === moved, 'the new place kept in the file');
  assert.ok(fs.statSync(moved).size > 0, 'the copy is there');
  assert.ok(fs.existsSync(app.library), 'the original stays');
  await browser.keys('Escape');

  // Saved from the window: written whole, and there at the next start.
  await invoke(app.browser, 'save_settings', { settings: { ...(await invoke(app.browser, 'settings', {})).settings, language: 'en' } });
  assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')).theme, 'dark');
  await app.stop();
  app = await startApp({ dir });
  const again = await invoke(app.browser, 'settings', {});
  assert.equal(again.settings.theme, 'dark');
  assert.equal(again.settings.external_player, 'mpv');
  await until(() => app.browser.execute(() => document.documentElement.dataset.theme).then((t) => t === 'dark'), 'the dark theme after a restart');
  assert.equal(again.problem, null);
});
