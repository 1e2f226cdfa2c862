import { describe, expect, it } from 'vitest';
import { snippetPieces } from './snippet';

describe('snippetPieces', () => {
  it('marks the words between pairs of stars', () => {
    expect(snippetPieces('I **cried** at the **눈물** scene')).toEqual([
      { text: 'I ', mark: false },
      { text: 'cried', mark: true },
      { text: ' at the ', mark: false },
      { text: '눈물', mark: true },
      { text: ' scene', mark: false },
    ]);
  });
  it('keeps an unpaired marker as text', () => {
    expect(snippetPieces('5 ** 2')).toEqual([{ text: '5 ** 2', mark: false }]);
  });
  it('never produces markup', () => {
    expect(snippetPieces('**<b>x</b>**')).toEqual([{ text: '<b>x</b>', mark: true }]);
  });
});
