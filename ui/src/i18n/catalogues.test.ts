// The English and Korean catalogues hold the same messages with the same
// inputs, none empty; the window's language follows the system and switches
// in place; numbers, dates and sizes are written the language's way.

import { flushSync } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import en from '../../messages/en.json';
import ko from '../../messages/ko.json';
import Toasts from '../components/Toasts.svelte';
import { cleanPage, mountOnPage } from '../lib/dom-test';
import {
  formatBytes,
  formatDateTime,
  formatDay,
  followSystem,
  formatDuration,
  formatNumber,
  languageName,
  locale,
  m,
  setLanguage,
  startLocale,
  systemLocale,
} from '../lib/i18n.svelte';
import { app } from '../lib/state.svelte';

type Variant = { declarations?: string[]; selectors?: string[]; match: Record<string, string> };
type Catalogue = Record<string, string | Variant[]>;

/** The message's texts (every variant of a plural) and the inputs it takes. */
export function shape(message: string | Variant[]): { texts: string[]; inputs: string[] } {
  const variants = typeof message === 'string' ? [{ match: { '': message } } as Variant] : message;
  const texts = variants.flatMap((v) => Object.values(v.match));
  const declarations = variants.flatMap((v) => v.declarations ?? []);
  const locals = new Set(declarations.map((d) => /^local (\w+)/.exec(d)?.[1]).filter(Boolean));
  const declared = declarations.map((d) => /^input (\w+)/.exec(d)?.[1]).filter((name): name is string => !!name);
  const used = texts.flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((found) => found[1])).filter((name) => !locals.has(name));
  return { texts, inputs: [...new Set([...declared, ...used])].sort() };
}

/** What differs between two catalogues: keys missing from either, inputs that differ, empty texts. */
export function differences(a: Catalogue, b: Catalogue): string[] {
  const keys = (c: Catalogue) => Object.keys(c).filter((key) => key !== '$schema');
  const problems: string[] = [];
  for (const key of keys(a)) if (!(key in b)) problems.push(`${key}: missing from the second catalogue`);
  for (const key of keys(b)) if (!(key in a)) problems.push(`${key}: missing from the first catalogue`);
  for (const key of keys(a).filter((k) => k in b)) {
    const [x, y] = [shape(a[key]), shape(b[key])];
    if (x.inputs.join() !== y.inputs.join()) problems.push(`${key}: inputs {${x.inputs}} and {${y.inputs}}`);
    if ([...x.texts, ...y.texts].some((text) => !text.trim())) problems.push(`${key}: an empty text`);
  }
  return problems;
}

describe('catalogues', () => {
  it('hold the same keys with the same inputs in English and Korean', () => {
    expect(Object.keys(en).length).toBeGreaterThan(300);
    expect(differences(en as Catalogue, ko as Catalogue)).toEqual([]);
  });

  it('name a missing key, a changed input and an empty text (the check can fail)', () => {
    const first: Catalogue = { $schema: 'x', a: 'A {n}', b: 'B', c: 'C', d: [{ declarations: ['input count', 'local k = count: plural'], selectors: ['k'], match: { 'k=*': '{count}' } }] };
    const second: Catalogue = { a: 'ㄱ {m}', c: ' ', d: [{ declarations: ['input count'], selectors: [], match: { '': '클립 {count}개' } }], e: 'ㅁ' };
    expect(differences(first, second)).toEqual([
      'b: missing from the second catalogue',
      'e: missing from the first catalogue',
      'a: inputs {n} and {m}',
      'c: an empty text',
    ]);
  });

  it('are Korean in Korean: most texts there have Hangul in them', () => {
    const texts = Object.values(ko as Catalogue).flatMap((message) => (typeof message === 'string' ? [message] : shape(message).texts));
    const hangul = texts.filter((text) => /\p{Script=Hangul}/u.test(text));
    expect(hangul.length / texts.length).toBeGreaterThan(0.85);
  });
});

describe('language', () => {
  afterEach(() => {
    setLanguage('en');
    cleanPage();
  });

  it('follows the system locale: Korean for ko*, English otherwise', () => {
    expect(systemLocale(['ko-KR', 'en-US'])).toBe('ko');
    expect(systemLocale(['ko'])).toBe('ko');
    expect(systemLocale(['en-GB', 'ko-KR'])).toBe('en');
    expect(systemLocale(['ja-JP'])).toBe('en');
    expect(systemLocale([])).toBe('en');
  });

  it('takes the remembered choice over the system, and ignores junk', () => {
    const storage = (value: string | null) => ({ getItem: () => value });
    expect(startLocale(storage('ko'), ['en-US'])).toBe('ko');
    expect(startLocale(storage('en'), ['ko-KR'])).toBe('en');
    expect(startLocale(storage('klingon'), ['ko-KR'])).toBe('ko');
    expect(startLocale(storage(null), ['en-US'])).toBe('en');
  });

  it("follows the app's reading of the locale environment unless the fan picked a language", () => {
    followSystem('ko-KR', { getItem: () => null });
    expect(locale()).toBe('ko');
    expect(document.documentElement.lang).toBe('ko');
    followSystem('en-US', { getItem: () => 'ko' });
    expect(locale()).toBe('ko');
    followSystem('en-US', { getItem: () => null });
    expect(locale()).toBe('en');
  });

  it('switches a shown component in place, remembers the choice and marks the page', () => {
    mountOnPage(Toasts, {});
    app.toasts = [{ id: 1, text: 'Tagged', edit: 3 }];
    flushSync();
    const undo = () => document.querySelector('[data-testid="undo"]')?.textContent;
    expect(undo()).toBe('Undo');
    setLanguage('ko');
    flushSync();
    expect(undo()).toBe('되돌리기');
    expect(locale()).toBe('ko');
    expect(localStorage.getItem('outtake.locale')).toBe('ko');
    expect(document.documentElement.lang).toBe('ko');
    app.toasts = [];
  });

  it('counts with plurals and grouping for the language', () => {
    expect([m.clip_count({ count: 1 }), m.clip_count({ count: 2 }), m.clip_count({ count: 1234 })]).toEqual(['1 clip', '2 clips', '1,234 clips']);
    expect([m.more_people({ count: 1 }), m.more_people({ count: 2000 })]).toEqual(['1 more person: type to find them', '2,000 more people: type to find them']);
    setLanguage('ko');
    expect([m.clip_count({ count: 1 }), m.clip_count({ count: 1234 })]).toEqual(['클립 1개', '클립 1,234개']);
    expect(formatNumber(12345.5)).toBe('12,345.5');
  });

  it('writes dates, durations and sizes the language’s way', () => {
    expect(formatDay('2021-08-30')).toBe('Aug 30, 2021');
    expect(formatDuration(3_723_000)).toBe('1 hr 2 min 3 sec');
    expect(formatDuration(0)).toBe('0 sec');
    expect(formatBytes(1_500_000)).toBe('1.5 MB');
    expect(formatDateTime('not a date')).toBe('not a date');
    expect([languageName('ko'), languageName('en'), languageName('not a code!')]).toEqual(['Korean', 'English', 'not a code!']);
    setLanguage('ko');
    expect(formatDay('2021-08-30')).toBe('2021. 8. 30.');
    expect(formatDuration(3_723_000)).toBe('1시간 2분 3초');
    expect(languageName('ko')).toBe('한국어');
    expect(formatBytes(2_500_000_000)).toBe('2.50GB');
    expect(formatDateTime('2026-12-01T10:00:00Z')).toMatch(/^2026\. 12\. \d\. .*\d{1,2}:\d{2}$/);
  });
});
