import { describe, expect, it } from 'vitest';
import { cutLine, looksLikeError, MAX_LINE_LENGTH, selectLines } from '../../src/domain/logs/log-lines.js';
import { filterPatternOf, searchText } from '../../src/domain/logs/log-query.js';
import { logSourceOf, type ContainerLogging } from '../../src/domain/logs/log-source.js';
import { maskSecrets } from '../../src/domain/logs/secrets.js';
import { filterTerms } from '../../dev/sandbox/index.js';

describe('looksLikeError', () => {
  it.each([
    '{"level":"error","msg":"job failed"}',
    '{"severity": "FATAL", "msg": "x"}',
    'time=1 level=error msg="boom"',
    '2026-12-02 ERROR could not connect',
    'FATAL out of memory',
    'panic: runtime error: index out of range',
    'goroutine 17 [running]:',
    '    at com.example.Main.run(Main.java:10)',
    '    at Object.<anonymous> (/app/index.js:3:9)',
    'Traceback (most recent call last):',
    '  File "/app/main.py", line 3, in <module>',
    'java.lang.NullPointerException: oops',
    'TypeError: undefined is not a function',
    'Caused by: java.io.IOException',
  ])('flags %s', (line) => expect(looksLikeError(line)).toBe(true));

  it.each(['{"level":"info","msg":"errors=0"}', 'INFO request served', 'GET /health 200', 'at last, done', 'terror of the deep'])('lets %s pass', (line) => expect(looksLikeError(line)).toBe(false));

  it('stays linear on hostile lines', () => {
    const hostile = [`{"level"${' '.repeat(50_000)}`, 'a'.repeat(200_000), `${'at '.repeat(50_000)}`, `${'"level":'.repeat(20_000)}`, `File "${'x'.repeat(100_000)}`];
    const started = performance.now();
    for (const line of hostile) looksLikeError(cutLine(line));
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('maskSecrets', () => {
  it.each([
    ['key AKIAIOSFODNN7EXAMPLE used', 'AKIAIOSFODNN7EXAMPLE'],
    ['temp ASIAIOSFODNN7EXAMPLE', 'ASIAIOSFODNN7EXAMPLE'],
    ['aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI'],
    ['"secretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"', 'wJalrXUtnFEMI'],
    ['slack xoxb-1234567890-abcdefghij', '1234567890-abcdefghij'],
    ['app token xapp-1-A0123-456-abcdef', 'A0123-456-abcdef'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig', 'eyJhbGciOiJIUzI1NiJ9'],
    ['Authorization: Basic dXNlcjpwYXNz', 'dXNlcjpwYXNz'],
    ['postgres://app:s3cr3t@db:5432/app', 's3cr3t'],
    ['https://user:p%40ss@example.com/x', 'p%40ss'],
    ['password=hunter2 next', 'hunter2'],
    ['DB_PASSWORD: "hunter2"', 'hunter2'],
    ['{"token":"tok_live_123"}', 'tok_live_123'],
    ['client_secret=abc123&x=1', 'abc123'],
    ['api_key = "k-123"', 'k-123'],
    ['-----BEGIN RSA PRIVATE KEY----- MIIEowIBAAKCAQEA', 'MIIEowIBAAKCAQEA'],
  ])('masks %s', (line, secret) => {
    const masked = maskSecrets(line);
    expect(masked).not.toContain(secret);
    expect(masked).toContain('[masked]');
  });

  it('leaves ordinary lines alone', () => {
    for (const line of ['GET /health 200 in 3ms', 'https://example.com/path?q=1', 'tokens used: 5', 'job 42 done']) expect(maskSecrets(line)).toBe(line);
  });

  it('stays linear on hostile lines once cut', () => {
    const hostile = ['password='.repeat(50_000), `x://${'a'.repeat(100_000)}:`, `Bearer ${' '.repeat(100_000)}`, `${'AKIA'.repeat(60_000)}`, `https://${':'.repeat(100_000)}@`, `secret${' '.repeat(100_000)}=`];
    const started = performance.now();
    for (const line of hostile) maskSecrets(cutLine(line));
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('selectLines', () => {
  const events = Array.from({ length: 10 }, (_, i) => ({ timestamp: 1000 + i, message: i % 2 ? `ERROR ${i} password=p${i}` : `INFO ${i}`, stream: 's' }));

  it('keeps the newest max, oldest first, masked, and counts what matched', () => {
    const shuffled = [...events].reverse();
    const { lines, matched } = selectLines(shuffled, { errorsOnly: true, max: 3 });
    expect(matched).toBe(5);
    expect(lines.map((l) => l.text)).toEqual(['ERROR 5 password=[masked]', 'ERROR 7 password=[masked]', 'ERROR 9 password=[masked]']);
  });

  it('cuts long lines before classifying or masking them', () => {
    const { lines } = selectLines([{ timestamp: 1, message: `INFO ${'x'.repeat(5000)} ERROR`, stream: 's' }], { errorsOnly: false, max: 5 });
    expect(lines[0]?.text.length).toBeLessThanOrEqual(MAX_LINE_LENGTH + 1);
    expect(selectLines([{ timestamp: 1, message: `INFO ${'x'.repeat(5000)} ERROR`, stream: 's' }], { errorsOnly: true, max: 5 }).matched).toBe(0);
  });
});

describe('search text and filter pattern', () => {
  it('quotes the text as one term, dropping what could end the quotes', () => {
    expect(filterPatternOf('connection refused')).toBe('"connection refused"');
    expect(filterPatternOf('a" ?b \\" -c { $.x = 1 }')).toBe('"a ?b -c { $.x = 1 }"');
    expect(filterPatternOf('"\\"')).toBeUndefined();
    expect(filterPatternOf(null)).toBeUndefined();
    expect(searchText('x'.repeat(5000))?.length).toBe(100);
    expect(searchText('a\u0000\nb')).toBe('a b');
  });

  it('is what the sandbox reads as a single phrase', () => {
    expect(filterTerms(filterPatternOf('a ?b -c') as string)).toEqual(['a ?b -c']);
    expect(filterTerms('ERROR "queue closed"')).toEqual(['ERROR', 'queue closed']);
    expect(() => filterTerms('?ERROR ?WARN')).toThrow(/only plain terms/);
  });
});

describe('logSourceOf', () => {
  const container = (over: Partial<ContainerLogging>): ContainerLogging => ({ container: 'app', driver: 'awslogs', group: '/ecs/app', streamPrefix: 'ecs', region: 'us-east-1', router: false, ...over });

  it('reads the awslogs group and the container’s stream prefix', () => {
    expect(logSourceOf([container({})])).toEqual({ kind: 'cloudwatch', container: 'app', group: '/ecs/app', region: 'us-east-1', streamPrefix: 'ecs/app/' });
    expect(logSourceOf([container({ streamPrefix: null })])).toMatchObject({ kind: 'cloudwatch', streamPrefix: null });
  });

  it('says FireLens (whose router logs to CloudWatch) and other drivers log elsewhere', () => {
    expect(logSourceOf([container({ driver: 'awsfirelens', group: null }), container({ container: 'log_router', router: true })])).toEqual({ kind: 'elsewhere', drivers: ['awsfirelens'] });
    expect(logSourceOf([container({ driver: 'splunk', group: null }), container({ container: 'sidecar', driver: 'fluentd', group: null })])).toEqual({ kind: 'elsewhere', drivers: ['splunk', 'fluentd'] });
  });

  it('says when no container has a logConfiguration', () => {
    expect(logSourceOf([container({ driver: null, group: null })])).toEqual({ kind: 'none' });
    expect(logSourceOf([])).toEqual({ kind: 'none' });
  });
});
