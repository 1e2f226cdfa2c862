// The window's language: English or Korean, from the system locale unless the
// fan picked one (remembered in localStorage until settings have a file).
// Messages are Paraglide's compiled functions (`m.key()`, generated from
// `ui/messages/*.json` into `src/lib/paraglide/`); they ask `getLocale()`,
// which reads the rune below, so switching language re-renders in place.

import { locales, overwriteGetLocale, type Locale } from './paraglide/runtime';

import { m } from './paraglide/messages';

export { m };
export type { Locale };
export { locales };

const KEY = 'outtake.locale';

/** The window's language for the system's preferred languages: `ko*` is Korean, anything else English. */
export function systemLocale(languages: readonly string[]): Locale {
  return languages[0]?.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

function isLocale(value: unknown): value is Locale {
  return (locales as readonly unknown[]).includes(value);
}

/** The fan's pick if one is remembered, else the system's. */
export function startLocale(storage: Pick<Storage, 'getItem'> = localStorage, languages: readonly string[] = systemLanguages()): Locale {
  const saved = storage.getItem(KEY);
  return isLocale(saved) ? saved : systemLocale(languages);
}

function systemLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

const first = startLocale();
let current = $state<Locale>(first);
overwriteGetLocale(() => current);
if (typeof document !== 'undefined') document.documentElement.lang = first;

/** The language the window speaks now (reactive). */
export function locale(): Locale {
  return current;
}

/**
 * Follows the system language the app read from the locale environment, when
 * the fan has picked none (the web view may not know a locale that is not installed).
 */
export function followSystem(language: string, storage: Pick<Storage, 'getItem'> = localStorage) {
  if (isLocale(storage.getItem(KEY))) return;
  current = systemLocale([language]);
  if (typeof document !== 'undefined') document.documentElement.lang = current;
}

/** Forgets the fan's pick: the window follows the system's language (`system`) again. */
export function forgetLanguage(system: string, storage: Pick<Storage, 'removeItem' | 'getItem'> = localStorage) {
  storage.removeItem(KEY);
  followSystem(system, storage);
}

/** Switches the window's language at once and remembers the choice. */
export function setLanguage(next: Locale, storage: Pick<Storage, 'setItem'> = localStorage) {
  current = next;
  storage.setItem(KEY, next);
  document.documentElement.lang = next;
}

/** A number as the language writes it (`1,234`). */
export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(current, options).format(value);
}

/** A stored timestamp as a local date and time (`2026. 12. 1. 오후 7:00` in Korean). */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** A calendar date (`YYYY-MM-DD`, or the date of a timestamp) as the language writes it. */
export function formatDay(iso: string): string {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  // A bare date is midnight UTC: read it in UTC, or it shows as the day before west of Greenwich.
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeZone: dateOnly ? 'UTC' : undefined }).format(date);
}

/** A file size in MB or GB. */
export function formatBytes(bytes: number): string {
  const [value, unit, digits] = bytes > 1e9 ? [bytes / 1e9, 'gigabyte', 2] : [bytes / 1e6, 'megabyte', 1];
  return new Intl.NumberFormat(current, { style: 'unit', unit, maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
}

/** A length of time in words for the language (`1 hr 5 min`, `1시간 5분`). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const parts: [number, Intl.NumberFormatOptions['unit']][] = [
    [Math.floor(total / 3600), 'hour'],
    [Math.floor((total % 3600) / 60), 'minute'],
    [total % 60, 'second'],
  ];
  const shown = parts.filter(([value], i) => value > 0 || (i === 2 && total === 0));
  return shown
    .map(([value, unit]) => new Intl.NumberFormat(current, { style: 'unit', unit, unitDisplay: 'short' }).format(value))
    .join(' ');
}

const STATUS_NAME = { present: m.status_present, missing: m.status_missing, offline: m.status_offline } as const;

/** What the window calls a file's state (`missing`, `offline`). */
export function statusName(status: keyof typeof STATUS_NAME): string {
  return STATUS_NAME[status]();
}

/** A language code (`ko`, `en-US`) named in the window's language (`한국어`); the code itself when Intl knows no name. */
export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames([current], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}
