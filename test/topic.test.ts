import { describe, expect, it } from 'vitest';
import type { Logger } from '../src/log.js';
import { Topic } from '../src/topic.js';

function recordingLogger(): Logger & { errors: Array<{ message: string; fields?: Record<string, unknown> }> } {
  const errors: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  return { errors, debug() {}, info() {}, warn() {}, error: (message, fields) => void errors.push({ message, ...(fields ? { fields } : {}) }) };
}

describe('a topic', () => {
  it('tells its listeners in the order they subscribed, synchronously', () => {
    const topic = new Topic<number>('counted', recordingLogger());
    const heard: string[] = [];
    topic.subscribe((n) => heard.push(`first ${n}`));
    topic.subscribe((n) => heard.push(`second ${n}`));
    topic.publish(1);
    expect(heard).toEqual(['first 1', 'second 1']);
  });

  it('logs a listener that throws and still tells the others; the publisher never sees the error', () => {
    const logger = recordingLogger();
    const topic = new Topic<string>('operation finished', logger);
    const heard: string[] = [];
    topic.subscribe(() => {
      throw new Error('metrics broke');
    });
    topic.subscribe((event) => heard.push(event));
    expect(() => topic.publish('op 7')).not.toThrow();
    expect(heard).toEqual(['op 7']);
    expect(logger.errors).toEqual([{ message: 'a listener for "operation finished" failed', fields: { error: 'metrics broke' } }]);
  });

  it('stops telling a listener that unsubscribed', () => {
    const topic = new Topic<number>('counted', recordingLogger());
    const heard: number[] = [];
    const unsubscribe = topic.subscribe((n) => heard.push(n));
    topic.publish(1);
    unsubscribe();
    topic.publish(2);
    expect(heard).toEqual([1]);
  });
});
