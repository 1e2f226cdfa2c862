import { describe, expect, it } from 'vitest';
import { latestOnly } from './latest';

describe('latestOnly', () => {
  it('marks an older reply that lands last as stale', async () => {
    const resolvers: ((v: string) => void)[] = [];
    const search = latestOnly((q: string) => new Promise<string>((resolve) => resolvers.push(() => resolve(q))));
    const first = search('ho');
    const second = search('horse');
    resolvers[1]('horse');
    resolvers[0]('ho');
    expect(await second).toEqual({ stale: false, value: 'horse' });
    expect(await first).toEqual({ stale: true });
  });
});
