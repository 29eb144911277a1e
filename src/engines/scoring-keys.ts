import { EngineResponseError } from "./errors";

/**
 * The scoring keys of an Azure subscription's services, learnt from ARM: which resource serves each scoring URL
 * (recorded while listing), and its key once fetched (`listKeys`, once per resource).
 */
export class ScoringKeys {
  /** True private: the keys are secrets, and printing an adapter must not show them. */
  readonly #byUrl = new Map<string, { resourceId: string; key?: string }>();

  constructor(
    private readonly engine: string,
    /** Lists the services again, calling `remember` for each: for a scoring URL not seen yet. */
    private readonly relist: () => Promise<unknown>,
    /** The primary key of one ARM resource. */
    private readonly fetchKey: (resourceId: string) => Promise<string>,
  ) {}

  remember(scoringUrl: string, resourceId: string): void {
    if (!this.#byUrl.has(scoringUrl)) this.#byUrl.set(scoringUrl, { resourceId });
  }

  async keyFor(scoringUrl: string): Promise<string> {
    if (!this.#byUrl.has(scoringUrl)) await this.relist();
    const entry = this.#byUrl.get(scoringUrl);
    if (!entry) throw new EngineResponseError(this.engine, scoringUrl, "no service of this subscription has this scoring URL");
    entry.key ??= await this.fetchKey(entry.resourceId);
    return entry.key;
  }
}
