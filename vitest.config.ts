import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Child processes rather than worker threads: better-sqlite3 is a native addon and the integration
    // tests start HTTP servers; forks keep each test file's process state separate.
    pool: 'forks',
    // Integration tests start servers (fake Slack, Bolt HTTP receiver, AWS sandbox).
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // The SDK's notice that releases after January 2027 need Node 22 would repeat in every test file.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
