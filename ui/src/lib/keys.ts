// The keyboard map: what each shortcut does, shown by `?`, and when keys
// belong to a text field instead.

import type { IpcError, IpcErrorKind } from './api';

export const SHORTCUTS: { keys: string; action: string }[] = [
  { keys: '/', action: 'Search' },
  { keys: '↑ ↓ ← →  or  j k', action: 'Move between clips' },
  { keys: 'Enter', action: 'Open the clip or hit' },
  { keys: 'Esc', action: 'Back / close' },
  { keys: 'Space', action: 'Play / pause' },
  { keys: '← →', action: 'Seek 5 s (Shift: 1 s) on the clip page' },
  { keys: '< >', action: 'Slower / faster' },
  { keys: 'f', action: 'Fullscreen' },
  { keys: 'u', action: 'Mute' },
  { keys: 'I  O', action: 'Set the in / out point of a new marker' },
  { keys: 'M', action: 'Add a marker (at the playhead, or from in to out)' },
  { keys: 'Alt+I  Alt+O', action: 'In the marker form: its start / end at the playhead' },
  { keys: 'Alt+K  Alt+← →', action: 'In the marker form: play / pause, seek' },
  { keys: 'r', action: 'Play the search results as a reel' },
  { keys: 'N  P', action: 'In a reel: next / previous moment' },
  { keys: 'S  L  O', action: 'In a reel: shuffle, loop, open this clip here' },
  { keys: 'Ctrl+Z', action: 'Undo the last edit (also one made before a restart)' },
  { keys: 'Ctrl+Shift+Z', action: 'Redo' },
  { keys: 'h', action: 'History of edits' },
  { keys: 'Ctrl+A', action: 'Select every clip shown (then tag or credit them)' },
  { keys: 't', action: 'Switch theme' },
  { keys: '?', action: 'This list' },
];

/** True when the key press is meant for a text field. */
export function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** The text of an IPC rejection (`{kind, message}`) or any other error. */
export function errorText(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

/** The kind of an IPC rejection, when it is one (a closed union: compare it, never the message). */
export function errorKind(error: unknown): IpcErrorKind | null {
  return error && typeof error === 'object' && 'kind' in error ? ((error as IpcError).kind ?? null) : null;
}
