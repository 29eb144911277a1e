/** Feedback logging of the local data mart service: store feedback rows, read them, their schema and statistics. */
import { ValidationError } from "../errors";
import type { Store } from "../store/store";
import { describeFeedback, feedbackCount, feedbackSchema, feedbackTableName, readFeedback } from "./feedback-table";
import { writeFeedback, type FeedbackPayloadOutcome, type FeedbackPayloadRequest } from "./feedback-writer";
import type { PayloadDescription, PayloadTableSchema } from "./resources";
import type { SubscriptionRow } from "./subscription-rows";

const MAX_PAGE = 10_000;
const FORMATS = ["wml", "dict", "csv"];

export interface FeedbackContext {
  store(): Promise<Store>;
  subscriptionRow(subscription_uid: string): Promise<SubscriptionRow>;
}

export class LocalFeedback {
  constructor(private readonly context: FeedbackContext) {}

  /** All rows stored in one transaction, or none. */
  async store(subscription_uid: string, request: FeedbackPayloadRequest): Promise<FeedbackPayloadOutcome> {
    if (request === null || typeof request !== "object" || !FORMATS.includes((request as { format?: string }).format ?? "")) {
      throw new ValidationError("feedback request", [{ path: "feedback_format", message: `expected one of ${FORMATS.join(", ")} (FeedbackFormat.WML, DICT, CSV)` }]);
    }
    const row = await this.context.subscriptionRow(subscription_uid);
    feedbackSchema(row); // a subscription without label or payload fails before anything is read
    const store = await this.context.store();
    return store.transaction((tx) => writeFeedback(tx, row, request));
  }

  async read(subscription_uid: string, query: { limit?: number; offset?: number; include_total_count?: boolean } = {}): Promise<{ fields: string[]; values: unknown[][]; total_count?: number }> {
    const limit = query.limit ?? 1000;
    const offset = query.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE) throw new ValidationError("feedback query", [{ path: "limit", message: `expected a whole number from 0 to ${MAX_PAGE}` }]);
    if (!Number.isInteger(offset) || offset < 0) throw new ValidationError("feedback query", [{ path: "offset", message: "expected a whole number, 0 or more" }]);
    const row = await this.context.subscriptionRow(subscription_uid);
    return readFeedback(await this.context.store(), row, { limit, offset, ...(query.include_total_count ? { include_total_count: true } : {}) });
  }

  async schema(subscription_uid: string): Promise<PayloadTableSchema> {
    const row = await this.context.subscriptionRow(subscription_uid);
    return { table_name: feedbackTableName(row.guid), complete: true, table_schema: { fields: feedbackSchema(row) } };
  }

  async describe(subscription_uid: string): Promise<PayloadDescription> {
    const row = await this.context.subscriptionRow(subscription_uid);
    return describeFeedback(await this.context.store(), row);
  }

  async count(row: SubscriptionRow): Promise<number> {
    return feedbackCount(await this.context.store(), row);
  }
}
