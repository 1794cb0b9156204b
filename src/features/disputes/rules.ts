// Dispute vocabulary shared by the use cases and the renderers.

/** The first 8 characters of a dispute id: enough to name it in `/cosell dispute resolve`. */
export function shortDisputeId(id: string): string {
  return id.slice(0, 8);
}
