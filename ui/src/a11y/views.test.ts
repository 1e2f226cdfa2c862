// Every view of the window, rendered in jsdom with a fake library and checked
// by axe-core in both languages: no serious or critical violation (controls
// without names, fields without labels, bad ARIA). Colour contrast is not
// computed here (jsdom has no layout): `contrast.test.ts` checks the themes.

import axe from 'axe-core';
import { flushSync } from 'svelte';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import App from '../App.svelte';
import type { ClipCard, ClipDetail, Facets, Marker, SearchResults } from '../lib/api';
import { cleanPage, click, fill, mountOnPage, recordIPC, settle } from '../lib/dom-test';
import { setLanguage, type Locale } from '../lib/i18n.svelte';
import { app } from '../lib/state.svelte';

// jsdom has no canvas, which axe tries for icon fonts.
HTMLCanvasElement.prototype.getContext = () => null;

const CARD: ClipCard = { id: 7, title: '홍천기 메이킹', duration_ms: 65_000, status: 'present', show: '홍천기', episode: 2, cast: ['김유정'], added_at: '2026-11-30T10:00:00Z', poster_ms: null };

const MARKER: Marker = {
  id: 40,
  clip_id: 7,
  start_ms: 8_040,
  end_ms: 11_000,
  title: 'Horse ride',
  scene_id: 5,
  scene: 'Pulse scene',
  cast: [{ person_id: 1, person: '김유정', role_id: 3, character: '홍천기' }],
  tags: ['mood:emotional'],
  note: null,
  quote: '괜찮아요',
  created_at: '2026-11-25T00:00:00Z',
};

const DETAIL: ClipDetail = {
  ...CARD,
  description: 'Behind the scenes',
  note: null,
  path: '/videos/making.mp4',
  path_encoding: null,
  width: 1920,
  height: 1080,
  video_codec: 'h264',
  audio_codec: 'aac',
  fps: 29.97,
  rotation: null,
  oshash: 'abcdef0123456789',
  show_id: 1,
  show_guessed: false,
  created: null,
  source_id: null,
  scenes: ['Pulse scene'],
  tags: ['type:bts'],
  cast: [{ person_id: 1, person: '김유정', role_id: 3, character: '홍천기' }],
  markers: [MARKER, { ...MARKER, id: 41, title: 'Chapter 1', tags: ['chapter'], start_ms: 0, end_ms: null }],
  source: { url: 'https://example.invalid/v/1', uploader: 'SBS', published: '2021-08-30' },
  files: [{ id: 9, path: '/videos/making.mp4', path_encoding: null, size: 12_345_678, mtime_ms: 0, oshash: null, status: 'present' }],
};

const FACETS: Facets = {
  total: 1,
  untagged: 1,
  missing: 0,
  shows: [{ id: 1, title: 'Lovers of the Red Sky', native_title: '홍천기', clips: 1, episodes: [{ number: 2, title: null, clips: 1 }], scenes: [{ id: 5, title: 'Pulse scene', clips: 1 }] }],
  people: [{ id: 1, name: 'Kim Yoo Jung', native_name: '김유정', clips: 1 }],
  tags: [{ id: 1, name: 'type:bts', clips: 1 }],
  saved: [{ id: 1, name: 'Horse', query: 'horse' }],
  folders: [{ id: 1, path: '/videos', state: 'watching', clips: 1, problems: 1 }],
};

const RESULTS: SearchResults = {
  elapsed_ms: 1.5,
  more: true,
  clips: [{ clip: CARD, hits: [{ kind: 'marker', start_ms: 8_040, end_ms: 11_000, snippet: '**Horse** ride', score: 1, machine: false, source: null }] }],
};

/** A fake backend holding one clip of one show. */
function library(facets: Facets = FACETS) {
  const answers: Record<string, unknown> = {
    library_info: { path: '/tmp/library.db', media_base: 'http://127.0.0.1:1/secret', version: '0' },
    facets,
    clip_page: { total: facets.total, offset: 0, clips: facets.total ? [CARD] : [] },
    clip_ids: facets.total ? [7] : [],
    search: RESULTS,
    clip: { detail: DETAIL, languages: ['ko', 'en'] },
    cues: [{ id: 1, clip_id: 7, lang: 'ko', start_ms: 1000, end_ms: 2000, text: '괜찮아요', kind: 'dialogue', machine: false, source: null }],
    storyboard: null,
    shows: [{ id: 1, title: 'Lovers of the Red Sky', native_title: '홍천기', aliases: [], network: 'SBS', year: 2021 }],
    show_view: {
      show: { id: 1, title: 'Lovers of the Red Sky', native_title: '홍천기', aliases: [], network: 'SBS', year: 2021 },
      cast: [{ id: 3, person_id: 1, person: 'Kim Yoo Jung', show_id: 1, show: 'Lovers of the Red Sky', character: 'Hong Chun Gi', native_character: '홍천기' }],
      episodes: [{ id: 2, show_id: 1, number: 2, title: null, air_date: '2021-08-31' }],
      scenes: [{ id: 5, show_id: 1, episode: 2, title: 'Pulse scene', description: null }],
    },
    people: [{ id: 1, name: 'Kim Yoo Jung', native_name: '김유정', aliases: ['Kim Yu-jeong'] }],
    roles_of: [],
    tags: [{ id: 1, namespace: 'type', name: 'bts', full_name: 'type:bts', aliases: [], parents: [] }],
    problems: [{ path: '/videos/broken.mkv', path_encoding: null, error: 'not a video' }],
    suggest: [{ kind: 'cast', label: 'Kim Yoo Jung', detail: '김유정', insert: 'cast:"Kim Yoo Jung"' }],
    reel: [
      { clip_id: 7, clip_title: '홍천기 메이킹', marker_id: 40, cue_id: null, start_ms: 8_040, end_ms: 11_000, label: 'Horse ride' },
      { clip_id: 7, clip_title: '홍천기 메이킹', marker_id: 41, cue_id: null, start_ms: 20_000, end_ms: 25_000, label: 'Chapter 1' },
    ],
    saved_reels: [{ id: 1, name: 'Horse rides', query: null, marker_ids: [40, 41], context_ms: 3000, created_at: '2026-12-01T10:00:00Z' }],
    settings: { settings: { language: null, theme: null, external_player: null, library: null, read_screen_text: null, speech_model: null, speech_language: null }, path: '/tmp/settings.json', problem: null, system_language: null, screen_text_off: 'tesseract is not installed', speech_off: 'no speech model is chosen' },
    export_folder: '/home/fan/Videos',
    cache_folder: '/tmp/library.db.thumbs',
    duplicates: [
      { clip_a: 7, title_a: '홍천기 메이킹', clip_b: 8, title_b: 'Making of (re-upload)', kinship: 'contains', how: { by: 'sound', bit_error: 0.1 }, shift_ms: 3000 },
    ],
    preview_pack: {
      show: 'Lovers of the Red Sky', matched: 1, unmatched: 1, dry_run: true, people_added: 1, people_merged: 0, tags_added: 1, markers_added: 3, credits_added: 2, markers_outside: 0,
      clips: [
        { index: 0, title: 'Horse ride making-of', clip_id: 7, clip_title: '홍천기 메이킹', how: { by: 'sound', bit_error: 0.1 }, shift_ms: -4000, markers: 3 },
        { index: 1, title: 'Another clip', clip_id: null, clip_title: null, how: null, shift_ms: 0, markers: 1 },
      ],
    },
    cache_usage: { posters: 3, poster_bytes: 120_000, storyboards: 2, storyboard_bytes: 3_000_000, evicted: 0, problems: 0, orphans: 0, orphan_bytes: 0, limit_bytes: 2_147_483_648 },
    history: [
      { id: 2, at: '2026-12-01T10:00:00Z', description: 'tag clip "홍천기 메이킹"', undone: false, rows: 1 },
      { id: 1, at: '2026-11-30T09:00:00Z', description: 'add show "Lovers of the Red Sky"', undone: true, rows: 1 },
    ],
  };
  // Answered on a later turn of the event loop, as the real backend does: a view
  // that keeps asking is then caught by counting calls rather than hanging the test.
  return recordIPC((command) => new Promise((resolve) => setTimeout(() => resolve(answers[command] ?? null), 0)));
}

/** The serious and critical violations axe finds on the page, one line each. */
async function violations(): Promise<string[]> {
  const found = await axe.run(document.body, {
    resultTypes: ['violations'],
    // jsdom lays nothing out: contrast is checked over the themes instead.
    rules: { 'color-contrast': { enabled: false } },
  });
  return found.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((node) => `${v.id}: ${node.html.slice(0, 140)}`));
}

/** Opens the window on the library and waits for it to settle; the IPC calls it made, and makes. */
async function openWindow(facets?: Facets) {
  const calls = library(facets);
  mountOnPage(App, {});
  await settle();
  return calls;
}

for (const language of ['en', 'ko'] as Locale[]) {
  describe(`every view passes axe (${language})`, () => {
    afterEach(() => {
      app.back();
      app.results = null;
      app.selection = [];
      app.shortcutsOpen = false;
      app.historyOpen = false;
      app.progress = null;
      app.toasts = [];
      cleanPage();
    });
    afterAll(() => setLanguage('en'));

    it('the first run, with an empty library', async () => {
      setLanguage(language);
      await openWindow({ ...FACETS, total: 0, untagged: 0, shows: [], people: [], tags: [], saved: [], folders: [] });
      expect(document.querySelector('[data-testid="empty-state"]')).not.toBeNull();
      expect(await violations()).toEqual([]);
    });

    it('the library: top bar, sidebar, grid and a selection', async () => {
      setLanguage(language);
      await openWindow();
      app.selection = [7];
      // The status bar busy too: an import under way and a message with its Undo.
      app.progress = { phase: 'scanning', done: 3, total: 1200, current: '/videos/홍천기 메이킹.mp4' };
      await app.done('Tagged 1 clip with type:bts');
      document.querySelector<HTMLButtonElement>('.problems')?.click();
      await settle();
      expect(document.querySelector('[data-testid="selection-bar"]')).not.toBeNull();
      expect(document.querySelectorAll('[data-testid="facet"]').length).toBeGreaterThan(4);
      expect(document.querySelector('[data-testid="undo"]')).not.toBeNull();
      expect(document.querySelector('.problem-list')).not.toBeNull();
      // The words are the language's own.
      expect(document.querySelector('nav')?.textContent).toContain(language === 'ko' ? '모든 클립' : 'All clips');
      expect(document.querySelector('[data-testid="import-progress"]')?.textContent).toContain(language === 'ko' ? '3/1,200' : '3 of 1,200');
      expect(await violations()).toEqual([]);
    });

    it('search results and the query help', async () => {
      setLanguage(language);
      await openWindow();
      await app.search('horse');
      await settle();
      expect(document.querySelectorAll('[data-testid="hit"]')).toHaveLength(1);
      document.querySelector<HTMLButtonElement>('.box button[aria-expanded]')?.click();
      // Suggestions open under the box as the fan types.
      const input = document.querySelector<HTMLInputElement>('[data-testid="search-input"]')!;
      input.value = 'horse cast:kim';
      input.setSelectionRange(input.value.length, input.value.length);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await settle();
      expect(document.querySelectorAll('[data-testid="suggestion"]')).toHaveLength(1);
      expect(document.querySelector('[data-testid="results"]')).not.toBeNull();
      expect(await violations()).toEqual([]);
    });

    it('the clip page with its player, details and transcript, then the marker form', async () => {
      setLanguage(language);
      const calls = library();
      mountOnPage(App, {});
      await settle();
      app.openClip(7);
      await settle();
      // Once: the page's answer must not make it ask again.
      expect(calls.filter(([command]) => command === 'clip')).toHaveLength(1);
      expect(document.querySelector('[data-testid="clip-page"] h1')?.textContent).toBe('홍천기 메이킹');
      expect(await violations()).toEqual([]);
      click('add-marker');
      await settle();
      expect(document.querySelector('[data-testid="marker-editor"]')).not.toBeNull();
      // A name field with its suggestions open.
      fill('marker-cast', 'kim');
      await settle();
      expect(document.querySelectorAll('[data-testid="marker-editor"] [role="option"]')).toHaveLength(1);
      expect(await violations()).toEqual([]);
    });

    it('a reel', async () => {
      setLanguage(language);
      const calls = await openWindow();
      app.playReel({ kind: 'saved', id: 1 }, 'Horse rides', { id: 1, name: 'Horse rides', query: null, marker_ids: [40, 41], context_ms: 3000, created_at: '' });
      await settle();
      // The saved reel's own context first; another chosen reads the moments again with it.
      const contexts = () => calls.filter(([c]) => c === 'reel').map(([, a]) => a.options.context_ms);
      expect(contexts().at(-1)).toBe(3000);
      const context = document.querySelector<HTMLSelectElement>('[data-testid="reel-context"]')!;
      context.value = '10000';
      context.dispatchEvent(new Event('change', { bubbles: true }));
      await settle();
      expect(contexts().at(-1)).toBe(10_000);
      // A fixed reel's moment dragged onto another: the library keeps the new order.
      const moments = () => [...document.querySelectorAll<HTMLElement>('[data-testid="reel-moment"]')];
      expect(moments()[0].closest('li')?.getAttribute('draggable')).toBe('true');
      moments()[0].closest('li')!.dispatchEvent(new Event('dragstart', { bubbles: true }));
      moments()[1].closest('li')!.dispatchEvent(new Event('drop', { bubbles: true, cancelable: true }));
      await settle();
      expect(calls.filter(([c]) => c === 'reorder_reel').map(([, a]) => a)).toEqual([{ id: 1, marker_ids: [41, 40] }]);
      expect(document.querySelector('[data-testid="reel-next"]')).not.toBeNull();
      expect(document.querySelector('[data-testid="player"]')).not.toBeNull();
      expect(document.querySelectorAll('[data-testid="reel-moment"]')).toHaveLength(2);
      expect(document.querySelector('[data-testid="saved-reel"]')).not.toBeNull();
      expect(await violations()).toEqual([]);
      // Its export dialog, and a job running in the background list.
      click('reel-export');
      app.jobs = [{ id: 1, label: 'Reel video: Horse rides', state: 'running', fraction: 0.4, note: 'stream copy', message: null, path: null }];
      await settle();
      expect(document.querySelector('[data-testid="export-dialog"]')).not.toBeNull();
      expect(document.querySelector('[data-testid="job"]')).not.toBeNull();
      expect(await violations()).toEqual([]);
      app.jobs = [];
    });

    it('the duplicates dialog tells two clips apart', async () => {
      setLanguage(language);
      const calls = await openWindow();
      click('open-duplicates');
      await settle();
      click('duplicate-apart');
      await settle();
      expect(calls.filter(([c]) => c === 'mark_not_duplicate').map(([, a]) => a)).toEqual([{ a: 7, b: 8 }]);
      // The list is read again after the edit.
      expect(calls.filter(([c]) => c === 'duplicates').length).toBeGreaterThan(1);
      document.querySelector<HTMLButtonElement>('[data-testid="duplicates"] [data-testid="dialog-close"]')?.click();
      app.duplicatesOpen = false;
    });

    it('the dialogs: shortcuts, history, shows, people, tags, settings', async () => {
      setLanguage(language);
      await openWindow();
      const dialogs: [string, () => void][] = [
        ['shortcuts', () => (app.shortcutsOpen = true)],
        ['history', () => (app.historyOpen = true)],
        ['cast-manager', () => click('manage-shows')],
        ['people-manager', () => click('manage-people')],
        ['tag-manager', () => click('manage-tags')],
        ['settings', () => click('settings-toggle')],
        ['pack-dialog', () => (app.packToImport = '/tmp/red-sky.outtake-pack.json')],
        ['duplicates', () => click('open-duplicates')],
      ];
      for (const [testid, open] of dialogs) {
        open();
        flushSync();
        await settle();
        const dialog = document.querySelector(`[data-testid="${testid}"]`);
        expect(dialog, testid).not.toBeNull();
        // Each shows its content (a table row, an entry), not an empty frame.
        expect(dialog?.querySelectorAll('button, input, select, dd').length, testid).toBeGreaterThan(2);
        expect(await violations(), testid).toEqual([]);
        // Then with a row open for editing (a cast member, a tag's rename, a person's names).
        const editor = { 'cast-manager': '.tools button', 'tag-manager': '.actions button', 'people-manager': '[data-testid="person-edit"]' }[testid];
        if (editor) {
          dialog?.querySelector<HTMLButtonElement>(editor)?.click();
          await settle();
          expect(dialog?.querySelector('form input'), `${testid} editing`).not.toBeNull();
          expect(await violations(), `${testid} editing`).toEqual([]);
        }
        document.querySelector<HTMLButtonElement>(`[data-testid="${testid}"] header button`)?.click();
        app.shortcutsOpen = false;
        app.historyOpen = false;
        await settle();
      }
    });
  });
}

describe('the axe check', () => {
  afterEach(cleanPage);

  it('fails on a control without a name (it can fail)', async () => {
    document.body.innerHTML = '<main><button><svg></svg></button><input type="text"></main>';
    const found = await violations();
    expect(found.map((line) => line.split(':')[0]).sort()).toEqual(['button-name', 'label']);
  });
});
