import { describe, expect, it } from 'vitest';
import { selectLines } from '../../src/domain/logs/log-lines.js';
import { maskSecrets } from '../../src/domain/logs/secrets.js';

// Secrets in the forms real applications log them, found by a hostile review: none may reach Slack.
const ANSI = '\u001b[0m';

describe('masking secrets in log lines', () => {
  it.each([
    ['escaped JSON password', '{"msg":"{\\"password\\":\\"hunter2secret\\"}"}', 'hunter2secret'],
    ['a password with spaces', '"password": "correct horse battery"', 'horse battery'],
    ['a URL password holding /', 'postgres://app:pa/ss0rdXYZ@db.internal/app', 'ss0rdXYZ'],
    ['a URL password holding @', 'postgres://app:p@ssw0rdXYZ@db.internal/app', 'ssw0rdXYZ'],
    ['SECRET_KEY=', 'SECRET_KEY=djangoSuperSecret123', 'djangoSuperSecret123'],
    ['aws_secret_key=', 'aws_secret_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI'],
    ['a Slack token split by an ANSI escape', `xoxb-${ANSI}123456789012-abcdefABCDEF`, '123456789012-abcdefABCDEF'],
    ['Authorization: Token', 'Authorization: Token 9f8e7d6c5b4a39281706f5e4d3c2b1a0', '9f8e7d6c5b4a'],
  ])('%s', (_name, line, secret) => {
    expect(maskSecrets(line)).not.toContain(secret);
    expect(maskSecrets(line)).toContain('[masked]');
  });

  it('keeps what is not a secret', () => {
    expect(maskSecrets('GET /health 200 in 3 ms')).toBe('GET /health 200 in 3 ms');
    expect(maskSecrets('https://example.com/path@v2')).toBe('https://example.com/path@v2');
  });

  it('masks an access key that a long line would cut in half', () => {
    const line = `${'x'.repeat(990)} AKIAIOSFODNN7EXAMPLE tail`;
    const [shown] = selectLines([{ timestamp: 1, message: line, stream: 's' }], { errorsOnly: false, max: 1 }).lines;
    expect(shown?.text).not.toMatch(/AKIAIOSF/);
  });

  it('gives back a bounded line for long hostile lines (their speed is linear: no nested quantifiers)', () => {
    for (const unit of ['a', ' ', '"', ':', 'password=', 'postgres://a:', 'x://', 'Bearer ', 'Authorization: ', '\\"']) {
      const masked = maskSecrets(unit.repeat(20_000));
      expect(masked.length).toBeLessThanOrEqual(3 * unit.length * 20_000);
    }
  });
});
