import { describe, expect, it } from 'vitest';
import { Boards, place, tileAt, tileStyle, timeOf, type Board } from './storyboard';

// Five columns and four rows a sheet: 20 tiles a sheet, 45 tiles in all.
const board: Board = { interval_ms: 2000, tile_width: 160, tile_height: 90, columns: 5, rows: 4, tiles: 45, sheets: 3 };

describe('storyboard tiles', () => {
  it('finds the tile of a moment, clamped to the board', () => {
    expect(tileAt(board, 0)).toBe(0);
    expect(tileAt(board, 3999)).toBe(1);
    expect(tileAt(board, 4000)).toBe(2);
    expect(tileAt(board, 10_000_000)).toBe(44);
    expect(tileAt(board, -5)).toBe(0);
    expect(timeOf(board, 2)).toBe(4000);
  });

  it('places a tile on its sheet, row by row', () => {
    expect(place(board, 0)).toEqual({ sheet: 0, x: 0, y: 0 });
    expect(place(board, 7)).toEqual({ sheet: 0, x: 320, y: 90 });
    expect(place(board, 20)).toEqual({ sheet: 1, x: 0, y: 0 });
    expect(place(board, 44)).toEqual({ sheet: 2, x: 640, y: 0 });
  });

  it('shows one tile of its sheet in a box of the size asked', () => {
    const css = tileStyle(board, 7, (n) => `/s/${n}`, 80);
    expect(css).toContain('url("/s/0")');
    expect(css).toContain('background-size: 400px 180px');
    expect(css).toContain('background-position: -160px -45px');
    expect(css).toContain('height: 45px');
  });
});

describe('Boards', () => {
  it('asks once, again after a while when none was made yet, and keeps what came', async () => {
    const asked: number[] = [];
    let ready = false;
    const boards = new Boards(async (id) => {
      asked.push(id);
      return ready ? board : null;
    });
    expect(boards.get(7, 0)).toBeNull();
    expect(boards.get(7, 500)).toBeNull();
    await Promise.resolve();
    expect(asked).toEqual([7]);
    ready = true;
    let loaded = -1;
    boards.onload = (id) => (loaded = id);
    boards.get(7, 2500);
    await new Promise((r) => setTimeout(r, 0));
    expect(loaded).toBe(7);
    expect(boards.get(7, 2600)).toBe(board);
    expect(asked).toEqual([7, 7]);
  });
});
