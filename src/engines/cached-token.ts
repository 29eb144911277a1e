/**
 * A bearer token kept between calls: one exchange serves every call until the token nears its end (the last fifth
 * of its life, and never closer than a minute), then it is renewed once, however many calls wait for it.
 * The token is a true private field: printing an adapter never shows it.
 */
export class CachedToken {
  #token: { value: string; refreshAt: number } | undefined;
  #pending: Promise<string> | undefined;
  /** Exchanges made so far (for benchmarks: how many requests the cache saved). */
  exchanges = 0;

  constructor(
    private readonly exchange: () => Promise<{ token: string; lifetimeMs: number }>,
    private readonly now: () => number = Date.now,
  ) {}

  /** A valid bearer token, from the cache when it is fresh. */
  async get(): Promise<string> {
    if (this.#token && this.now() < this.#token.refreshAt) return this.#token.value;
    this.#pending ??= this.renew().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  /** Forgets the token (after the engine refused it, say). */
  invalidate(): void {
    this.#token = undefined;
  }

  private async renew(): Promise<string> {
    this.exchanges++;
    const { token, lifetimeMs } = await this.exchange();
    const issued = this.now();
    this.#token = { value: token, refreshAt: issued + Math.min(lifetimeMs * 0.8, Math.max(lifetimeMs - 60_000, 0)) };
    return token;
  }
}
