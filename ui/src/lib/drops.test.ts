import { describe, expect, it, vi } from 'vitest';
import { dropPaths } from './drops';

describe('a drop onto the window', () => {
  it('opens a pack for a .json file and adds anything else as a folder, going on past a failure', async () => {
    const pack = vi.fn();
    const failed = vi.fn();
    const folder = vi.fn(async (path: string) => {
      if (path === '/gone') throw new Error('no folder at /gone');
    });
    await dropPaths(['/packs/홍천기.json', '/gone', '/downloads', '/packs/OLD.JSON'], { pack, folder, failed });
    expect(pack.mock.calls.map((c) => c[0])).toEqual(['/packs/홍천기.json', '/packs/OLD.JSON']);
    expect(folder.mock.calls.map((c) => c[0])).toEqual(['/gone', '/downloads']);
    expect(failed).toHaveBeenCalledTimes(1);
    expect(String(failed.mock.calls[0][0])).toMatch(/\/gone/);
  });
});
