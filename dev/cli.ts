import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A wrong argument: one line on stderr and exit status 2, never a stack trace. */
export class UsageError extends Error {}

/** parseArgs with its errors (unknown option, missing value) as a UsageError whose message is one line. */
export function parseCliArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) throw new UsageError((error as Error).message.split('\n')[0] ?? code);
    throw error;
  }
}

/**
 * The AWS SDK's once-per-process notice that its releases after early January 2027 need Node 22: README
 * (Requirements) explains it, so the dev tools do not print it on every run. An explicit setting wins.
 */
function quietSdkNodeNotice(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

/** Runs a dev entry point: a UsageError becomes "<message> (--help for usage)" and exit 2, anything else "<name> failed: …" and exit 1. */
export function runCli(name: string, main: () => Promise<void>): void {
  quietSdkNodeNotice();
  main().catch((error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message} (--help for usage)\n`);
      process.exit(2);
    }
    process.stderr.write(`${name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
