import { describe, expect, it } from 'vitest';
import { errorWithCauses } from '../src/log.js';

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
