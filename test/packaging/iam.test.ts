import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { actionsCalledByCode, actionsOf, canonicalPolicy, IAM_POLICY_PATH, type PolicyDocument } from './aws-actions.js';

function readmePolicy(): PolicyDocument {
  const readme = readFileSync('README.md', 'utf8');
  const block = /### IAM permissions[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no IAM policy JSON block under "### IAM permissions"');
  return JSON.parse(block) as PolicyDocument;
}

describe('the IAM policy', () => {
  it(`${IAM_POLICY_PATH} allows exactly the AWS actions the code calls, on its Dockhand statement`, () => {
    const code = actionsCalledByCode();
    expect(code.size).toBeGreaterThan(0);
    const dockhand = canonicalPolicy().Statement.find((s) => s.Sid === 'Dockhand');
    expect(dockhand?.Effect).toBe('Allow');
    expect([...actionsOf(dockhand)].sort()).toEqual([...code].sort());
  });

  it('lets Application Auto Scaling create its service-linked role for ECS, and nothing else besides', () => {
    const others = canonicalPolicy().Statement.filter((s) => s.Sid !== 'Dockhand');
    expect(others).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'iam:CreateServiceLinkedRole',
        Condition: { StringEquals: { 'iam:AWSServiceName': 'ecs.application-autoscaling.amazonaws.com' } },
      }),
    ]);
    // The code registers scalable targets, which is what needs the service-linked role.
    expect(actionsCalledByCode()).toContain('application-autoscaling:RegisterScalableTarget');
  });

  it('is the one README.md shows', () => {
    expect(readmePolicy()).toEqual(canonicalPolicy());
  });
});
