import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresUrlFromEnv } from '../../src/config/database.js';
import { ConfigError } from '../../src/config/load.js';

interface PgParameters {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  ssl: unknown;
}

/** What node-postgres makes of a connection string (and the PG* environment): its own parser, the one the pool uses; no connection. */
const pgParameters = (url: string): PgParameters => (new pg.Client({ connectionString: url }) as unknown as { connectionParameters: PgParameters }).connectionParameters;

function asPgSees(url: string): Omit<PgParameters, 'ssl'> {
  const { host, port, user, password, database } = pgParameters(url);
  return { host, port, user, password, database };
}

function problemsOf(env: Record<string, string>): string[] {
  try {
    postgresUrlFromEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

// What the Terraform module gives the container with a database secret (RDS generates passwords like this one).
const fromModule = {
  DOCKHAND_STORE: 'postgres',
  PGHOST: 'dockhand.abc123xyz.eu-central-1.rds.amazonaws.com',
  PGPORT: '5432',
  PGDATABASE: 'postgres',
  PGUSER: 'dockhand_admin',
  PGPASSWORD: 'p@ss:w/rd?#%&=+ [x]',
};

describe('the Postgres connection from the environment', () => {
  it('is SQLite (null) when nothing chooses Postgres', () => {
    expect(postgresUrlFromEnv({})).toBeNull();
    expect(postgresUrlFromEnv({ PGHOST: 'db.internal', PGUSER: 'u', PGPASSWORD: 'p' })).toBeNull();
    expect(postgresUrlFromEnv({ DOCKHAND_STORE: 'sqlite' })).toBeNull();
  });

  it('is DATABASE_URL when set', () => {
    expect(postgresUrlFromEnv({ DATABASE_URL: 'postgres://u:p@db:5433/x' })).toBe('postgres://u:p@db:5433/x');
    expect(postgresUrlFromEnv({ ...fromModule, DATABASE_URL: 'postgres://u:p@db:5433/x' })).toBe('postgres://u:p@db:5433/x');
  });

  it('is built from the PG* variables with DOCKHAND_STORE=postgres, and node-postgres reads back every part', () => {
    const url = postgresUrlFromEnv(fromModule);
    expect(url).not.toBeNull();
    expect(asPgSees(url as string)).toEqual({
      host: fromModule.PGHOST,
      port: 5432,
      user: fromModule.PGUSER,
      password: fromModule.PGPASSWORD,
      database: 'postgres',
    });
  });

  it('defaults the port to 5432 and the database to the user’s name, as libpq does', () => {
    const { PGPORT: _port, PGDATABASE: _database, ...rest } = fromModule;
    expect(asPgSees(postgresUrlFromEnv(rest) as string)).toMatchObject({ port: 5432, database: fromModule.PGUSER });
    expect(asPgSees(postgresUrlFromEnv({ ...rest, PGHOST: 'fd00::5', PGPORT: '6543' }) as string)).toMatchObject({ host: 'fd00::5', port: 6543 });
  });

  it('leaves TLS to PGSSLMODE, which node-postgres reads itself alongside the built URL', () => {
    const url = postgresUrlFromEnv(fromModule) as string;
    const before = process.env.PGSSLMODE;
    try {
      process.env.PGSSLMODE = 'verify-full';
      expect(pgParameters(url).ssl).toBe(true);
      process.env.PGSSLMODE = 'no-verify';
      expect(pgParameters(url).ssl).toEqual({ rejectUnauthorized: false });
    } finally {
      if (before === undefined) delete process.env.PGSSLMODE;
      else process.env.PGSSLMODE = before;
    }
  });

  it('names what is missing or wrong, never a value', () => {
    expect(problemsOf({ DOCKHAND_STORE: 'postgres' })).toEqual([
      expect.stringContaining('PGHOST is missing'),
      expect.stringContaining('PGUSER is missing'),
      expect.stringContaining('PGPASSWORD is missing'),
    ]);
    const wrong = problemsOf({ ...fromModule, PGHOST: 'db/evil@x', PGPORT: '70000', PGDATABASE: '', PGPASSWORD: 'x'.repeat(2000) });
    expect(wrong).toEqual([
      expect.stringMatching(/^PGHOST:/),
      expect.stringMatching(/^PGPORT:/),
      expect.stringMatching(/^PGPASSWORD:/),
      expect.stringMatching(/^PGDATABASE:/),
    ]);
    expect(wrong.join(' ')).not.toContain('evil');
    expect(problemsOf({ DOCKHAND_STORE: 'mysql' })).toEqual([expect.stringMatching(/^DOCKHAND_STORE:/)]);
    expect(problemsOf({ DOCKHAND_STORE: 'sqlite', DATABASE_URL: 'postgres://db' })).toEqual([expect.stringContaining('DATABASE_URL is set but DOCKHAND_STORE=sqlite')]);
  });
});
