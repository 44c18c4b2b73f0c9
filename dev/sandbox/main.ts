/**
 * `tsx dev/sandbox/main.ts [--port 4566] [--environments N --services M --accounts K] [--reference] [--latency 50]`:
 * serves the sandbox until SIGINT or SIGTERM. Without --environments it seeds the demo fleet.
 */
import { parseArgs } from 'node:util';
import { demoFleet, generatedFleet, referenceFleet, startSandbox } from './index.js';

const USAGE = `usage: tsx dev/sandbox/main.ts [options]
  --port N            port to listen on (default 4566)
  --host H            address to listen on (default 127.0.0.1)
  --environments N    seed a generated fleet of N environments instead of the demo fleet
  --services M        services per generated environment (default 8)
  --accounts K        accounts the generated environments spread over (default 1)
  --reference         seed the reference fleet (10 environments x 8 services, for cost checks)
  --latency MS        delay every response by MS milliseconds (default 0)
  --converge-delay MS how long changes take to converge (default 30000)`;

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} needs a whole number, not "${value}"\n${USAGE}`);
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      environments: { type: 'string' },
      services: { type: 'string' },
      accounts: { type: 'string' },
      reference: { type: 'boolean' },
      latency: { type: 'string' },
      'converge-delay': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const environments = integer('environments', values.environments, 0);
  const fleet =
    environments > 0
      ? generatedFleet({
          environments,
          servicesPerEnvironment: integer('services', values.services, 8),
          accounts: Math.max(1, integer('accounts', values.accounts, 1)),
        })
      : values.reference
        ? referenceFleet()
        : demoFleet();
  const sandbox = await startSandbox({
    fleet,
    host: values.host ?? '127.0.0.1',
    port: integer('port', values.port, 4566),
    latencyMs: integer('latency', values.latency, 0),
    convergeDelayMs: integer('converge-delay', values['converge-delay'], 30_000),
  });
  const size = sandbox.summary();
  process.stdout.write(
    `dockhand sandbox at ${sandbox.url}: ${size.accounts} account(s), ${size.clusters} clusters, ` +
      `${size.environments} environments, ${size.services} services, ${size.runningTasks} running tasks\n` +
      `  export AWS_ENDPOINT_URL=${sandbox.url} AWS_ACCESS_KEY_ID=AKIASANDBOX AWS_SECRET_ACCESS_KEY=sandbox AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1\n`,
  );
  const stop = () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
