// Results as you type: only the answer to the latest request may land, so a
// slow reply to "ho" never overwrites the reply to "horse".

export function latestOnly<A extends unknown[], R>(run: (...args: A) => Promise<R>) {
  let ticket = 0;
  return async (...args: A): Promise<{ stale: true } | { stale: false; value: R }> => {
    const mine = ++ticket;
    const value = await run(...args);
    return mine === ticket ? { stale: false, value } : { stale: true };
  };
}
