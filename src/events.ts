/**
 * Events minted at the public edge and carried through the queues. They hold the raw
 * visitor attributes only in transit: workers hash them and the jobs are removed on completion.
 */
export interface ClickEvent {
  /** Minted at the edge; the idempotency key of the stored click. */
  id: string;
  /** Integer click id minted at the edge (links with append_click_id); otherwise the database assigns one. */
  clickId?: number;
  linkId: number;
  userId: number;
  variantId: number | null;
  /** Epoch milliseconds at the edge. */
  at: number;
  ip: string;
  userAgent: string;
  referrer: string | null;
}
