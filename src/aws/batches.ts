/** How many items the AWS APIs dockhand calls accept at once. */
export const API_BATCH = {
  describeServices: 10,
  describeClusters: 100,
  listServicesPage: 100,
  scalableTargetResourceIds: 50,
} as const;

/** Splits a list into the batches an API accepts. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
