import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLogger } from '../../src/log.js';
import { READINESS_DATABASE_DEADLINE_MS } from '../../src/ops/readiness-probe.js';
import { POSTGRES_TIMEOUTS } from '../../src/store/pg/database.js';
import { startHarness, type Harness } from '../support/harness.js';
import { testPostgres, type TestDatabase } from '../support/postgres.js';
import { askPrivately, sendCommand } from '../support/slack-requests.js';

/**
 * The database stops answering (here: another session holds an exclusive lock on the tables readiness and
 * every command write to, as a hung server or a long migration would). Readiness says so within its own
 * deadline instead of the health check timing out, and a slash command is answered that it was not run
 * instead of getting nothing.
 */
const server = await testPostgres();

describe.skipIf(!server)('the database hangs', () => {
  let created: TestDatabase;
  let h: Harness;
  let admin: pg.Client;
  const lines: string[] = [];
  beforeAll(async () => {
    created = await server!.createDatabase();
    h = await startHarness({ databaseUrl: created.url, scheduler: false, logger: jsonLogger('info', (line) => lines.push(line)) });
    admin = new pg.Client({ connectionString: created.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await h?.close();
    await created?.drop();
  });

  it('readiness answers 503 by its deadline, a command hears it was not run, and both recover', { timeout: 90_000 }, async () => {
    expect((await fetch(`${h.baseUrl}/health/ready`)).status).toBe(200);
    await admin.query('begin');
    await admin.query('lock table health_probe, handled_requests in access exclusive mode');
    try {
      // Asked twice at once: one probe waits on the lock, both answers come from it.
      const [first, second] = await Promise.all([fetch(`${h.baseUrl}/health/ready`), fetch(`${h.baseUrl}/health/ready`)]);
      expect([first.status, second.status]).toEqual([503, 503]);
      const body = (await first.json()) as { failing: string[]; checks: { database: { ok: boolean } } };
      expect(body.checks.database.ok).toBe(false);
      // The inventory was refreshed moments ago: the database not answering does not make that check fail too.
      expect(body.failing).toEqual(['database']);
      // Asked again after the deadline: still the one probe waiting, not one query (and pool connection) per check.
      for (let i = 0; i < 3; i++) expect((await fetch(`${h.baseUrl}/health/ready`)).status).toBe(503);
      const waiting = await admin.query("select count(*)::int as n from pg_stat_activity where query like 'insert into \"health_probe\"%' and wait_event_type = 'Lock'");
      expect(waiting.rows[0].n).toBe(1);
      expect(lines.filter((line) => line.includes(`the database did not answer within ${READINESS_DATABASE_DEADLINE_MS} ms`))).toHaveLength(1);
      // The command's request key cannot be read until the statement timeout ends the wait.
      const { responseId } = await sendCommand(h.eventsUrl, h.slack, 'U0ADMIN', 'list');
      const answer = await h.slack.waitFor((call) => call.method === 'response_url' && call.responseId === responseId, POSTGRES_TIMEOUTS.statement_timeout + 15_000);
      expect(String(answer.body.text)).toMatch(/could not reach its database, so it did not run this command/);
      const logged = lines.filter((line) => line.includes('a command was not run'));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toContain('statement timeout');
      // The request key holds the trigger id (it opens modals): the failed query's parameters are not logged.
      expect(logged[0]).not.toContain('command:t');
    } finally {
      await admin.query('rollback');
    }
    expect((await fetch(`${h.baseUrl}/health/ready`)).status).toBe(200);
    expect(String((await askPrivately(h.eventsUrl, h.slack, 'U0ADMIN', 'list')).body.text)).toMatch(/environments/);
  });
});
