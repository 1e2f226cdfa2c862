// Fails when a component shows the fan text that does not come from the
// message catalogues: text between tags, and the title / aria-label /
// placeholder / alt attributes (plain or as string literals in an expression);
// and when a script writes out a toast or an error in words of its own.

/// <reference types="vite/client" />
import { parse } from 'svelte/compiler';
import { describe, expect, it } from 'vitest';

/** Every component's source, by path (Vite reads them when the test loads). */
const COMPONENTS = import.meta.glob<string>(['../**/*.svelte', '!../lib/paraglide/**'], { query: '?raw', import: 'default', eager: true });
const SHOWN_ATTRIBUTES = new Set(['title', 'aria-label', 'placeholder', 'alt', 'aria-description', 'aria-roledescription', 'aria-valuetext', 'label']);

/**
 * Text a component may hold as it is: names of keys and symbols, the same in
 * every language. Anything else with a letter in it is a hard-coded string.
 */
// File names like `.srt` are allowed too (see `isWords`).
const ALLOWED = new Set(['Esc', 'Enter', 'Space', 'Shift', 'Ctrl', 'Alt', 'Tab', 'Outtake', 'A', 'B']);

/** Whether `text` would be read by the fan as words of one language. */
export function isWords(text: string): boolean {
  const trimmed = text.trim();
  // A query filter or a tag (`is:untagged`, `mood:fun`) is the same in every language.
  if (/^-?[a-z]+:\S+$/.test(trimmed)) return false;
  // No letter, or one alone (a key like `I`, a separator like `T` in a date): not words.
  if (!/\p{L}/u.test(trimmed) || [...trimmed].length === 1) return false;
  return !trimmed.split(/[\s+/·:()]+/).every((word) => word === '' || ALLOWED.has(word) || /^\.[a-z0-9.]+$/.test(word) || !/\p{L}/u.test(word));
}

type Node = { type: string; [key: string]: any };

/** Every string literal (a few kinds of node are skipped: see below) and template text inside an expression. */
function literals(node: unknown, found: string[] = []): string[] {
  if (!node || typeof node !== 'object') return found;
  const n = node as Node;
  if (n.type === 'Literal' && typeof n.value === 'string') found.push(n.value);
  if (n.type === 'TemplateElement') found.push(n.value.cooked ?? n.value.raw);
  // A message's inputs are its data, not shown text (`m.key({ kind: 'show' })`).
  if (n.type === 'CallExpression' && n.callee.type === 'MemberExpression' && n.callee.object.name === 'm') return found;
  // What a value is compared with is not shown (`status === 'offline' ? … : …`).
  if (n.type === 'BinaryExpression' && ['===', '!==', '==', '!='].includes(n.operator)) return found;
  for (const [key, value] of Object.entries(n)) {
    if (key === 'loc' || key === 'start' || key === 'end') continue;
    if (Array.isArray(value)) value.forEach((v) => literals(v, found));
    else if (value && typeof value === 'object') literals(value, found);
  }
  return found;
}

/** The hard-coded strings the markup of `source` shows, with what holds them. */
export function hardCoded(source: string): string[] {
  const ast = parse(source, { modern: true });
  const found: string[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const n = node as Node;
    if (n.type === 'Text' && isWords(n.data)) found.push(`text "${n.data.trim()}"`);
    if (n.type === 'Attribute' && !SHOWN_ATTRIBUTES.has(n.name)) return;
    if (n.type === 'Attribute') {
      const parts = Array.isArray(n.value) ? n.value : n.value === true ? [] : [n.value];
      for (const part of parts) {
        const texts = part.type === 'Text' ? [part.data] : literals(part.expression);
        for (const text of texts) if (isWords(text)) found.push(`${n.name} "${text.trim()}"`);
      }
      return;
    }
    if (n.type === 'ExpressionTag') {
      for (const text of literals(n.expression)) if (isWords(text)) found.push(`expression "${text.trim()}"`);
      return;
    }
    // A snippet's arguments mix keys (`'shows'`, `filter('show', …)`) with what it shows:
    // text there is caught when it reads as a label (a capital or a space in it).
    if (n.type === 'RenderTag') {
      for (const text of literals(n.expression)) if (/[A-Z\s]/.test(text.trim()) && isWords(text)) found.push(`snippet argument "${text.trim()}"`);
    }
    // Style, not words: `style:width="{n}px"`.
    if (n.type === 'Script' || n.type === 'StyleSheet' || n.type === 'StyleDirective') return;
    for (const [key, value] of Object.entries(n)) {
      if (key === 'instance' || key === 'module' || key === 'css' || key === 'options') continue;
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') walk(value);
    }
  };
  walk(ast.fragment);
  return found;
}

/** Scripts and modules that may tell the fan something (not tests, not generated code). */
const SCRIPTS = import.meta.glob<string>(['../**/*.ts', '../**/*.svelte', '!../**/*.test.ts', '!../lib/paraglide/**', '!../lib/api/**', '!../lib/dom-test.ts', '!../main.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** Messages written out in code: a toast, an edit's toast, an error or a failure line given literal words. */
export function hardCodedMessages(source: string): string[] {
  const found = source.matchAll(/(?:\.toast\(|\.done\(|new Error\(|\b(?:error|failed) = )\s*(['"`])([^'"`]*)/g);
  return [...found].map((match) => match[2]).filter((text) => isWords(text.replace(/\$\{[^}]*\}/g, '')));
}

describe('no hard-coded messages in scripts', () => {
  it('finds them (the check can fail)', () => {
    const sample = "app.toast(`Could not rescan: ${e}`); app.done(m.x()); throw new Error('Name: a person needs one'); error = `${a}: ${b}`; failed = 'Skipped';";
    expect(hardCodedMessages(sample)).toEqual(['Could not rescan: ${e}', 'Name: a person needs one', 'Skipped']);
  });
  it('sees the scripts', () => {
    expect(Object.keys(SCRIPTS).length).toBeGreaterThan(40);
  });
  for (const [path, source] of Object.entries(SCRIPTS)) {
    it(path.replace('../', ''), () => {
      expect(hardCodedMessages(source)).toEqual([]);
    });
  }
});

describe('no hard-coded text in components', () => {
  it('finds hard-coded text where it is (the check can fail)', () => {
    const sample = `<p>Hello</p><button title="Close" aria-label={open ? 'Hide it' : m.x()}>×</button>
      <input placeholder={\`Filter \${n}\`} /><kbd>Esc</kbd><span>{m.y({ name: 'not shown' })}</span><i>{1 + 2} · ↑</i>
      {@render row('shows', 'All clips')}<b>{status === 'offline' ? m.z() : 'is:missing'}</b><code>.srt</code>`;
    expect(hardCoded(sample)).toEqual([
      'text "Hello"',
      'title "Close"',
      'aria-label "Hide it"',
      'placeholder "Filter"',
      'snippet argument "All clips"',
    ]);
  });

  it('sees the components', () => {
    expect(Object.keys(COMPONENTS).length).toBeGreaterThan(20);
  });
  for (const [path, source] of Object.entries(COMPONENTS)) {
    it(path.replace('../', ''), () => {
      expect(hardCoded(source)).toEqual([]);
    });
  }
});
