import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { SearchResults } from '../lib/api';
import { cleanPage, mountOnPage } from '../lib/dom-test';
import { app } from '../lib/state.svelte';
import { groupEstimate } from '../lib/results';
import Results from './Results.svelte';

const results: SearchResults = {
  elapsed_ms: 1.5,
  more: false,
  clips: [
    {
      clip: { id: 7, title: '눈물의 작별', duration_ms: 6000, status: 'present', show: '홍천기', episode: 2, cast: ['Kim Yoo Jung'], added_at: '', poster_ms: null },
      hits: [
        { kind: 'cue', start_ms: 3000, end_ms: 5500, snippet: '**괜찮아요** 정말 <b>', score: 1, machine: false, source: 'file' },
        { kind: 'marker', start_ms: 1000, end_ms: null, snippet: 'Tearful farewell', score: 2, machine: false, source: null },
        { kind: 'cue', start_ms: 8000, end_ms: 9000, snippet: '말 타는 **장면**', score: 0.5, machine: true, source: 'screen' },
        { kind: 'cue', start_ms: 12000, end_ms: 14000, snippet: 'the **horse** riding scene', score: 0.4, machine: true, source: 'speech' },
      ],
    },
  ],
};

describe('Results', () => {
  afterEach(() => {
    cleanPage();
    app.back();
  });

  it('shows each hit with its kind, time and a highlighted snippet, as text', () => {
    mountOnPage(Results, { results });
    const hits = [...document.querySelectorAll<HTMLElement>('[data-testid="hit"]')];
    expect(hits.map((h) => [h.dataset.kind, h.dataset.startMs])).toEqual([
      ['cue', '3000'],
      ['marker', '1000'],
      ['cue', '8000'],
      ['cue', '12000'],
    ]);
    expect(hits[0].textContent).toContain('0:03');
    expect(hits[0].querySelector('mark')?.textContent).toBe('괜찮아요');
    // Snippet text is never markup.
    expect(hits[0].querySelector('b')).toBeNull();
    expect(hits[0].textContent).toContain('<b>');
  });

  it('says where a line nobody typed came from: read off the picture, or heard', () => {
    mountOnPage(Results, { results });
    const kinds = [...document.querySelectorAll<HTMLElement>('[data-testid="hit"] .kind')].map((k) => k.textContent?.trim());
    expect(kinds).toEqual(['Subtitle', 'Marker', 'On screen', 'Heard']);
  });

  it('holds only the groups near the view and leaves space for the rest', () => {
    const many: SearchResults = {
      ...results,
      clips: Array.from({ length: 200 }, (_, i) => ({ clip: { ...results.clips[0].clip, id: i + 1 }, hits: results.clips[0].hits.slice(0, 1) })),
    };
    mountOnPage(Results, { results: many });
    const shown = [...document.querySelectorAll<HTMLElement>('[data-testid="result"]')].map((r) => Number(r.dataset.index));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(10);
    expect(shown).toEqual(shown.map((_, i) => i));
    // The groups not shown keep their place: the scroller is as tall as all 200.
    const list = document.querySelector<HTMLElement>('[data-testid="result"]')?.parentElement;
    expect(parseFloat(list?.style.paddingBottom ?? '0')).toBe((200 - shown.length) * groupEstimate(1));
    expect(document.querySelector('.summary')?.textContent).toMatch(/200 clips/);
  });

  it('says how many clips it shows, and when more match', () => {
    mountOnPage(Results, { results });
    expect(document.querySelector('.summary')?.textContent).toMatch(/^\s*1 clip\s/);
    mountOnPage(Results, { results: { ...results, more: true } });
    expect(document.querySelector('.summary')?.textContent).toContain('The first 1 clip; more match: add a word or a filter to narrow');
  });

  it('opens the clip at the hit when it is clicked', () => {
    mountOnPage(Results, { results });
    document.querySelector<HTMLElement>('[data-testid="hit"][data-kind="cue"]')?.click();
    flushSync();
    expect(app.view).toEqual({ kind: 'clip', id: 7, at: 3000 });
  });
});
