import { describe, expect, it } from 'vitest';
import { parseDate, parseEpisode, parseYear, sceneInput, showFields, showInput, splitNames } from './forms';

describe('forms', () => {
  it('splits names on commas and semicolons, each once', () => {
    expect(splitNames(' Hong Chun-gi, 홍천기;hong chun-gi ,, Red Sky ')).toEqual(['Hong Chun-gi', '홍천기', 'Red Sky']);
    expect(splitNames('홍천기，붉은 하늘')).toEqual(['홍천기', '붉은 하늘']);
    expect(splitNames('  ')).toEqual([]);
  });

  it('reads years and episode numbers, naming what was wrong', () => {
    expect(parseYear(' 2021 ')).toBe(2021);
    expect(parseYear('')).toBeNull();
    expect(() => parseYear('21st')).toThrow('Year: "21st" is not a year');
    expect(() => parseYear('99')).toThrow(/not a year/);
    expect(parseEpisode('3')).toBe(3);
    expect(() => parseEpisode('-1')).toThrow('Episode: "-1" is not an episode number');
    expect(() => parseEpisode('2.5')).toThrow(/Episode/);
  });

  it('reads dates in the forms fans type them', () => {
    expect(parseDate('Air date', '2021-08-30')).toBe('2021-08-30');
    expect(parseDate('Air date', '2021.8.30')).toBe('2021-08-30');
    expect(parseDate('Air date', '20210830')).toBe('2021-08-30');
    expect(parseDate('Air date', ' ')).toBeNull();
    expect(() => parseDate('Air date', '2021-02-30')).toThrow('Air date: "2021-02-30" is not a date (YYYY-MM-DD)');
    expect(() => parseDate('Air date', 'yesterday')).toThrow(/Air date/);
  });

  it('turns the show fields into a show and back', () => {
    const show = {
      title: 'Lovers of the Red Sky',
      native_title: '홍천기',
      aliases: ['Hong Chun Gi', 'Red Sky'],
      network: 'SBS',
      year: 2021,
    };
    const fields = showFields(show);
    expect(fields.aliases).toBe('Hong Chun Gi, Red Sky');
    expect(showInput(fields)).toEqual(show);
    expect(showInput({ ...fields, native_title: ' ', network: '', year: '' })).toEqual({
      ...show,
      native_title: null,
      network: null,
      year: null,
    });
    expect(() => showInput({ ...fields, title: '  ' })).toThrow('Title: a show needs one');
    expect(() => showInput({ ...fields, year: 'soon' })).toThrow('Year: "soon" is not a year');
  });

  it('turns the scene fields into a scene', () => {
    expect(sceneInput({ title: ' Pulse scene ', episode: '4', description: '' })).toEqual({
      title: 'Pulse scene',
      episode: 4,
      description: null,
    });
    expect(() => sceneInput({ title: '', episode: '', description: 'x' })).toThrow(/needs a title/);
  });
});
