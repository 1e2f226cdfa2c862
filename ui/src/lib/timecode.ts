// Clip times as fans read them: 83500 ms is "1:23.5"; hours appear only when needed.

import { m } from './i18n.svelte';

/** Formats milliseconds as `M:SS`, `H:MM:SS`, with tenths when not whole. */
export function formatTimecode(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–:––';
  const tenths = Math.floor((ms % 1000) / 100);
  const totalSeconds = Math.floor(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const ss = String(seconds).padStart(2, '0');
  const head = hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}` : `${minutes}`;
  return tenths > 0 ? `${head}:${ss}.${tenths}` : `${head}:${ss}`;
}

/**
 * Reads a time as fans type it — `83.5`, `1:23`, `1:23.5`, `1:01:23.500` —
 * into milliseconds; empty is null. Throws naming the field otherwise.
 */
export function parseTimecode(field: string, text: string): number | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const parts = trimmed.split(':');
  const valid =
    parts.length <= 3 &&
    parts.every((part, i) => (i === parts.length - 1 ? /^\d+(\.\d+)?$/ : /^\d+$/).test(part)) &&
    parts.slice(1).every((part) => Number(part) < 60);
  if (!valid) throw new Error(m.time_invalid({ field, text: trimmed }));
  const seconds = parts.reduce((total, part) => total * 60 + Number(part), 0);
  return Math.round(seconds * 1000);
}
