import { describe, expect, it } from 'vitest';
import { filter, replaceToken, tokenAt } from './query';

describe('tokenAt', () => {
  const rows: [string, number, string][] = [
    ['horse', 5, 'horse'],
    ['horse cast:kim', 14, 'cast:kim'],
    ['horse cast:kim', 3, 'horse'],
    ['cast:"Kim Yoo', 13, 'cast:"Kim Yoo'],
    ['a  ', 3, ''],
    ['', 0, ''],
    ['김유정 눈물', 6, '눈물'],
  ];
  it.each(rows)('%j at %d is %j', (text, caret, expected) => {
    expect(tokenAt(text, caret).text).toBe(expected);
  });
});

describe('replaceToken', () => {
  it('swaps the token for the suggestion and moves the caret past it', () => {
    const text = 'horse cast:kim';
    const result = replaceToken(text, tokenAt(text, 14), 'cast:"Kim Yoo Jung"');
    expect(result).toEqual({ text: 'horse cast:"Kim Yoo Jung" ', caret: 26 });
  });
  it('keeps what follows the token', () => {
    const text = 'tag:mo horse';
    const result = replaceToken(text, tokenAt(text, 2), 'tag:mood:emotional');
    expect(result.text).toBe('tag:mood:emotional horse');
    expect(result.caret).toBe(19);
  });
});

describe('filter', () => {
  it('quotes values with spaces only', () => {
    expect(filter('cast', 'Kim Yoo Jung')).toBe('cast:"Kim Yoo Jung"');
    expect(filter('tag', 'mood:emotional')).toBe('tag:mood:emotional');
    expect(filter('show', '홍천기')).toBe('show:홍천기');
  });
});
