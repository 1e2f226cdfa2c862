// The search box's view of its own text: which token the caret is in (for
// autocomplete) and how to put a suggestion in its place.

export type Token = { start: number; end: number; text: string };

/** The token around `caret`: a run of non-spaces, where a quoted part may hold spaces. */
export function tokenAt(text: string, caret: number): Token {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ') {
      i++;
      continue;
    }
    const start = i;
    let quoted = false;
    while (i < text.length && (quoted || text[i] !== ' ')) {
      if (text[i] === '"') quoted = !quoted;
      i++;
    }
    tokens.push({ start, end: i, text: text.slice(start, i) });
  }
  const found = tokens.find((t) => caret >= t.start && caret <= t.end);
  return found ?? { start: caret, end: caret, text: '' };
}

/** Puts `insert` where `token` was, followed by one space; returns the new text and caret. */
export function replaceToken(text: string, token: Token, insert: string): { text: string; caret: number } {
  const before = text.slice(0, token.start);
  const after = text.slice(token.end).replace(/^ +/, '');
  const next = `${before}${insert} ${after}`;
  return { text: next.trimEnd() + (after ? '' : ' '), caret: before.length + insert.length + 1 };
}

/** Quotes a filter value when it has spaces or quotes, as the search language reads it. */
export function filter(field: string, value: string): string {
  return /^[\p{L}\p{N}:_-]+$/u.test(value) ? `${field}:${value}` : `${field}:"${value.replaceAll('"', '')}"`;
}
