import type { Sandbox } from '../../dev/sandbox/index.js';

export const SANDBOX_CREDENTIALS = { accessKeyId: 'AKIASANDBOX', secretAccessKey: 'x' };

/** Options for a real SDK v3 client pointed at the sandbox; one attempt, so injected faults surface at once. */
export function clientConfig(
  sandbox: Sandbox,
  options: { region?: string; credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }; maxAttempts?: number } = {},
) {
  return {
    endpoint: sandbox.url,
    region: options.region ?? 'us-east-1',
    credentials: options.credentials ?? SANDBOX_CREDENTIALS,
    maxAttempts: options.maxAttempts ?? 1,
  };
}
