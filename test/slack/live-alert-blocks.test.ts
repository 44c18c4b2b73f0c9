import { describe, expect, it } from 'vitest';
import type { FailedDeploymentAlert } from '../../src/domain/alerts.js';
import { liveAlertReply, MAX_ALERT_LINES } from '../../src/slack/blocks/alerts.js';
import { MAX_BLOCKS, MAX_BUTTON_VALUE, MAX_SECTION_TEXT } from '../../src/slack/blocks/common.js';

const now = new Date('2026-03-20T10:00:00Z');

function deployment(service: string, reason = 'ECS deployment circuit breaker: tasks failed to start.'): FailedDeploymentAlert {
  return { kind: 'deployment-failed', service, serviceArn: `arn:${service}`, deploymentId: `ecs-svc/${service}`, rolledBack: false, reason, failedTasks: 2, at: now.toISOString() };
}

interface Block {
  type: string;
  text?: { text: string };
  elements?: { action_id?: string; value?: string; text?: unknown }[];
  accessory?: { action_id: string; value: string };
}

describe('a live alert message', () => {
  it('stays within Slack’s limits however many services fail, saying how many more there are', () => {
    const items = Array.from({ length: 200 }, (_, i) => deployment(`svc-${i}`, 'x'.repeat(5000)));
    const reply = liveAlertReply({ environment: 'staging-3', items, now });
    const blocks = reply.blocks as Block[];
    expect(blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
    for (const block of blocks) expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(MAX_SECTION_TEXT);
    expect(blocks.filter((b) => b.accessory?.action_id === 'alert_logs')).toHaveLength(MAX_ALERT_LINES);
    expect(JSON.stringify(blocks)).toContain(`…and ${200 - MAX_ALERT_LINES} more`);
    expect(reply.text).toBe('staging-3: 200 deployments failed');
  });

  it('leaves out a button whose command would not survive: names with spaces, values over 2,000 characters', () => {
    const spaced = liveAlertReply({ environment: 'my env', items: [deployment('api')], now });
    expect(JSON.stringify(spaced.blocks)).not.toContain('"action_id"');
    const long = 'a'.repeat(MAX_BUTTON_VALUE);
    const blocks = liveAlertReply({ environment: 'e', items: [deployment(long)], now }).blocks as Block[];
    expect(blocks.some((b) => b.accessory)).toBe(false);
    const why = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'env_why');
    // One service, but too long to name: Why? asks about the whole environment.
    expect(why?.value).toBe('e');
    expect(blocks.flatMap((b) => b.elements ?? []).map((e) => e.action_id)).toEqual(['env_why', 'alert_who']);
  });
});
