import { describe, expect, it } from 'vitest';
import { errorMessage, errorWithCauses } from '../src/log.js';

describe('errorWithCauses', () => {
  it('gives a failed query’s statement and its causes on one line, never its parameters', () => {
    const timeout = new Error('canceling statement due to statement timeout');
    const failed = new Error('Failed query: insert into "handled_requests" ("key", "at") values ($1, $2)\nparams: command:t1.12345.secrettrigger,2026-12-03T18:26:03.501Z', { cause: timeout });
    const line = errorWithCauses(failed);
    expect(line).toBe('Failed query: insert into "handled_requests" ("key", "at") values ($1, $2): canceling statement due to statement timeout');
    expect(line).not.toContain('secrettrigger');
  });

  it('names every address a host refused', () => {
    const refused = new AggregateError([new Error('connect ECONNREFUSED ::1:5432'), new Error('connect ECONNREFUSED 127.0.0.1:5432')], '');
    expect(errorWithCauses(new Error('could not open the database', { cause: refused }))).toBe('could not open the database: connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432');
  });
});

describe('errorMessage', () => {
  it('gives a failed query with why it failed and without its parameters, wherever it is logged', () => {
    const cause = new Error('Connection terminated unexpectedly');
    const failed = new Error('Failed query: update "instance_lease" set "holder" = $1\nparams: vm/20212/f42c268e,1796320000000', { cause });
    expect(errorMessage(failed)).toBe('Failed query: update "instance_lease" set "holder" = $1: Connection terminated unexpectedly');
    expect(errorMessage(new Error('plain'))).toBe('plain');
    expect(errorMessage(new TypeError('bad'))).toBe('TypeError: bad');
  });
});
