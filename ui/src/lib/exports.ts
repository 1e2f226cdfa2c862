// File names for what the window writes (reel playlists and videos): made
// from a title, safe on every filesystem, and switched between kinds by their
// extension. A cut's name comes from the core (show, episode, cast, marker).

/** The longest name made from a title, before its extension. */
const MAX_STEM = 80;

/** A file name from `title`: no path separators or characters Windows refuses, no control characters. */
export function fileNameOf(title: string, extension: string): string {
  const cleaned = [...title]
    .map((c) => (/[\\/:*?"<>|]/.test(c) || c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127 ? ' ' : c))
    .join('')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  const stem = [...cleaned].slice(0, MAX_STEM).join('').trim() || 'reel';
  return `${stem}.${extension}`;
}

/** `path` with its extension replaced by `extension` (added when it has none). */
export function withExtension(path: string, extension: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  const stem = dot > slash + 1 ? path.slice(0, dot) : path;
  return stem ? `${stem}.${extension}` : path;
}
