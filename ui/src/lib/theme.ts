// Light, dark, or whatever the system says; the choice is remembered.

export type Theme = 'system' | 'light' | 'dark';
const KEY = 'outtake.theme';
const ORDER: Theme[] = ['system', 'light', 'dark'];

export function nextTheme(theme: Theme): Theme {
  return ORDER[(ORDER.indexOf(theme) + 1) % ORDER.length];
}

export function savedTheme(storage: Pick<Storage, 'getItem'> = localStorage): Theme {
  const value = storage.getItem(KEY);
  return ORDER.includes(value as Theme) ? (value as Theme) : 'system';
}

/** Writes the choice on <html data-theme> (CSS reads it) and remembers it. */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement, storage: Pick<Storage, 'setItem'> = localStorage) {
  root.dataset.theme = theme;
  storage.setItem(KEY, theme);
}
