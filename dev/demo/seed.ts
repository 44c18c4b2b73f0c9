import Database from 'better-sqlite3';

export const SEEDED_DAYS = 14;

/**
 * Gives a fresh demo database a cost history: every sample run the first refresh recorded is made to start
 * `days` earlier, as if dockhand had watched this same fleet, as it is now, for that long. Two weeks, so
 * `/env cost` (last 7 days against the 7 before) has both periods. No store can write the past (samples are
 * recorded as they are read), hence one UPDATE on the demo's own file; never run on any other database.
 */
export function backdateSamples(path: string, now: Date, days = SEEDED_DAYS): number {
  const db = new Database(path);
  try {
    return db.prepare('UPDATE sample_runs SET from_ms = ? WHERE from_ms > ?').run(now.getTime() - days * 86_400_000, now.getTime() - days * 86_400_000).changes;
  } finally {
    db.close();
  }
}
