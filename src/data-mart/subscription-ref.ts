/** What a monitor object knows of its subscription. */
export interface SubscriptionRef {
  readonly uid: string;
  readonly binding_uid: string;
}
