// What the editors' text fields mean: names, years, episode numbers and
// dates as typed, turned into what the commands take — or an error that
// names the field and what was typed in it.

import type { SceneInput, ShowInput } from './api';
import { m } from './i18n.svelte';

/** A field's text, trimmed; empty means "none". */
export function blank(text: string): string | null {
  const trimmed = text.trim();
  return trimmed ? trimmed : null;
}

/** Names separated by commas or semicolons, trimmed, each once (first spelling kept). */
export function splitNames(text: string): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const part of text.split(/[,;，、]/)) {
    const name = part.trim();
    const key = name.normalize('NFKC').toLowerCase();
    if (name && !seen.has(key)) {
      seen.add(key);
      names.push(name);
    }
  }
  return names;
}

/** A whole number in a range, or null when the field is empty. */
function wholeNumber(text: string, min: number, max: number, invalid: (text: string) => string): number | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const value = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new Error(invalid(trimmed));
  return value;
}

export const parseYear = (text: string) => wholeNumber(text, 1880, 2200, (bad) => m.year_invalid({ field: m.year(), text: bad }));

export const parseEpisode = (text: string) =>
  wholeNumber(text, 0, 100_000, (bad) => m.episode_invalid({ field: m.episode(), text: bad }));

/** A date as YYYY-MM-DD; 2021.09.13, 2021/9/13 and 20210913 are read too. */
export function parseDate(field: string, text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const parts = /^(\d{4})[-./ ](\d{1,2})[-./ ](\d{1,2})$/.exec(trimmed) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(trimmed);
  if (parts) {
    const [year, month, day] = parts.slice(1).map(Number);
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day) {
      return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    }
  }
  throw new Error(m.date_invalid({ field, text: trimmed }));
}

export type ShowFields = { title: string; native_title: string; aliases: string; network: string; year: string };

export const emptyShow = (): ShowFields => ({ title: '', native_title: '', aliases: '', network: '', year: '' });

/** The show editor's fields for a show the library has. */
export function showFields(show: ShowInput): ShowFields {
  return {
    title: show.title,
    native_title: show.native_title ?? '',
    aliases: show.aliases.join(', '),
    network: show.network ?? '',
    year: show.year === null ? '' : String(show.year),
  };
}

/** The show the fields describe; throws naming the field that is wrong. */
export function showInput(fields: ShowFields): ShowInput {
  const title = blank(fields.title);
  if (!title) throw new Error(m.show_needs_title());
  return {
    title,
    native_title: blank(fields.native_title),
    aliases: splitNames(fields.aliases),
    network: blank(fields.network),
    year: parseYear(fields.year),
  };
}

export type SceneFields = { title: string; episode: string; description: string };

export function sceneInput(fields: SceneFields): SceneInput {
  const title = blank(fields.title);
  if (!title) throw new Error(m.scene_needs_title());
  return { title, episode: parseEpisode(fields.episode), description: blank(fields.description) };
}
