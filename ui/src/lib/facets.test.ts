import { describe, expect, it } from 'vitest';
import { MATCHES, SHORT, shortList } from './facets';

const person = (i: number, clips: number, native: string | null = null) => ({ id: i, name: `Person ${i}`, native_name: native, clips });
const names = (p: ReturnType<typeof person>) => [p.name, p.native_name];

describe('shortList', () => {
  it('shows a short list whole', () => {
    const few = [person(1, 3), person(2, 1)];
    expect(shortList(few, '', names)).toEqual({ shown: few, more: 0 });
  });

  it('shows the most used few of a long list, in their order', () => {
    const many = Array.from({ length: 2000 }, (_, i) => person(i, i % 100));
    const { shown, more } = shortList(many, '', names);
    expect(shown).toHaveLength(SHORT);
    expect(more).toBe(2000 - SHORT);
    expect(shown.every((p) => p.clips >= 98)).toBe(true);
    expect(shown.map((p) => p.id)).toEqual([...shown.map((p) => p.id)].sort((a, b) => a - b));
  });

  it('finds any row by a part of any of its names, Hangul or Latin, whatever the case', () => {
    const many = [...Array.from({ length: 100 }, (_, i) => person(i, 1)), person(500, 0, '김유정')];
    expect(shortList(many, '유정', names).shown.map((p) => p.id)).toEqual([500]);
    expect(shortList(many, 'PERSON 50', names).shown.map((p) => p.id)).toEqual([50, 500]);
    const all = shortList(many, 'person', names);
    expect(all.shown).toHaveLength(MATCHES);
    expect(all.more).toBe(101 - MATCHES);
  });
});
