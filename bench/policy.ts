/** The benchmark's policy: its user is admin on every environment and nothing is protected, so nothing waits for an approval. */
import { accountId } from '../dev/sandbox/index.js';

export const BENCH_USER = 'U0BENCH';
export const BENCH_REGION = 'us-east-1';

/** The first account is reached with the default credentials, every other one through a `dockhand` role. */
export function benchLocations(accounts: number): { account: string; region: string; viaRole: boolean }[] {
  return Array.from({ length: accounts }, (_, i) => ({ account: accountId(i), region: BENCH_REGION, viaRole: i > 0 }));
}

export function benchPolicyText(accounts: number): string {
  const entries = benchLocations(accounts).map(({ account, region, viaRole }, i) => {
    const role = viaRole ? `    role_arn: arn:aws:iam::${account}:role/dockhand\n` : '';
    return `  - id: "${account}"\n    name: bench-${i + 1}\n    regions: [${region}]\n${role}`;
  });
  // No refresh cooldown: the bench asks `/env refresh` twice in a row to measure the first and the later read.
  return `accounts:\n${entries.join('')}inventory:\n  refresh_cooldown_seconds: 0\nroles:\n  admin: ["*"]\nbindings:\n  - subjects: [user:${BENCH_USER}]\n    role: admin\n    environments: ["*"]\n`;
}
