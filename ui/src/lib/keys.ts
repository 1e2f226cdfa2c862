// The keyboard map: what each shortcut does, shown by `?`, and when keys
// belong to a text field instead.

import type { IpcError, IpcErrorKind } from './api';
import { locale, m } from './i18n.svelte';

/** A shortcut: its keys (a message where they hold a word) and what it does. */
export type Shortcut = { keys: string | (() => string); action: () => string };

export const SHORTCUTS: Shortcut[] = [
  { keys: '/', action: m.key_search },
  { keys: m.keys_move, action: m.key_move },
  { keys: 'Enter', action: m.key_open },
  { keys: 'Esc', action: m.key_back },
  { keys: 'Space', action: m.key_play },
  { keys: '← →', action: m.key_seek },
  { keys: '< >', action: m.key_rate },
  { keys: 'f', action: m.key_fullscreen },
  { keys: 'u', action: m.key_mute },
  { keys: 'I  O', action: m.key_in_out },
  { keys: 'M', action: m.key_marker },
  { keys: 'Alt+I  Alt+O', action: m.key_form_in_out },
  { keys: 'Alt+K  Alt+← →', action: m.key_form_play },
  { keys: 'r', action: m.key_reel },
  { keys: 'N  P', action: m.key_reel_move },
  { keys: 'S  L  O', action: m.key_reel_modes },
  { keys: 'Ctrl+Z', action: m.key_undo },
  { keys: 'Ctrl+Shift+Z', action: m.key_redo },
  { keys: 'h', action: m.key_history },
  { keys: ',', action: m.key_settings },
  { keys: 'Ctrl+A', action: m.key_select_all },
  { keys: 't', action: m.key_theme },
  { keys: '?', action: m.key_help },
];

/** True when the key press is meant for a text field. */
export function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** What kind of failure an IPC rejection is, in words (one for every kind: a new kind fails the type check). */
const KIND_SUMMARY: Record<IpcErrorKind, () => string> = {
  not_found: m.error_not_found,
  ambiguous: m.error_ambiguous,
  already_exists: m.error_already_exists,
  invalid: m.error_invalid,
  bad_import: m.error_bad_import,
  io: m.error_io,
  too_new: m.error_too_new,
  no_library: m.error_no_library,
  not_a_library: m.error_not_a_library,
  read_only: m.error_read_only,
  needs_upgrade: m.error_needs_upgrade,
  busy: m.error_busy,
  disk_full: m.error_disk_full,
  database: m.error_database,
  migration: m.error_migration,
  tool_missing: m.error_tool_missing,
  output_exists: m.error_output_exists,
  tool_failed: m.error_tool_failed,
  cancelled: m.error_cancelled,
  app: m.error_app,
};

/**
 * The text of an IPC rejection (`{kind, message}`) or any other error. The
 * core words its messages in English (they name the show, file or field);
 * a Korean window says first, in Korean, what kind of failure it is.
 */
export function errorText(error: unknown): string {
  if (!(error && typeof error === 'object' && 'message' in error)) return String(error);
  const message = String((error as { message: unknown }).message);
  const kind = errorKind(error);
  return kind && kind in KIND_SUMMARY && locale() === 'ko' ? `${KIND_SUMMARY[kind]()}: ${message}` : message;
}

/** The kind of an IPC rejection, when it is one (a closed union: compare it, never the message). */
export function errorKind(error: unknown): IpcErrorKind | null {
  return error && typeof error === 'object' && 'kind' in error ? ((error as IpcError).kind ?? null) : null;
}
