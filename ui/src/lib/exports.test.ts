import { describe, expect, it } from 'vitest';
import { fileNameOf, withExtension } from './exports';

describe('fileNameOf', () => {
  it('keeps Korean and spaces, drops what a filesystem refuses', () => {
    expect(fileNameOf('말 타는 장면: "best" cut/2', 'mp4')).toBe('말 타는 장면 best cut 2.mp4');
    expect(fileNameOf('tag:horse ep:3', 'm3u8')).toBe('tag horse ep 3.m3u8');
  });
  it('never makes a hidden, empty or endless name', () => {
    expect(fileNameOf('..secret', 'edl')).toBe('secret.edl');
    expect(fileNameOf('///', 'edl')).toBe('reel.edl');
    expect(fileNameOf('가'.repeat(200), 'mp4')).toBe(`${'가'.repeat(80)}.mp4`);
  });
});

describe('withExtension', () => {
  it('swaps the extension of the file, not of a folder', () => {
    expect(withExtension('/home/fan/Videos/horse.m3u8', 'mp4')).toBe('/home/fan/Videos/horse.mp4');
    expect(withExtension('/home/fan/v1.2/horse', 'edl')).toBe('/home/fan/v1.2/horse.edl');
    expect(withExtension('/home/fan/.hidden', 'gif')).toBe('/home/fan/.hidden.gif');
  });
});
