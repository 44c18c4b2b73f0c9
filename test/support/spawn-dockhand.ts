import { spawn, type ChildProcess } from 'node:child_process';

export interface DockhandChild {
  child: ChildProcess;
  port: number;
  /** http://127.0.0.1:<port>/slack/events */
  eventsUrl: string;
  /** Resolves when the process says it holds the instance lease and runs its jobs. */
  active: Promise<void>;
  /** Everything it logged so far (JSON lines, when the config sets a log level). */
  stderr(): string;
  /** SIGKILL, resolved once it has exited. */
  kill(): Promise<void>;
}

/** Starts test/support/dockhand-process.ts with this config; resolves once its HTTP port answers. */
export async function spawnDockhand(config: Record<string, unknown>): Promise<DockhandChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/dockhand-process.ts'], {
    env: { ...process.env, DOCKHAND_TEST_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const seen = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(stdout);
        if (match) resolve(match);
      };
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        check();
      });
      check();
      void exited.then(() => reject(new Error(`dockhand exited before printing ${pattern}: ${stderr.slice(-2000)}`)));
    });
  const active = seen(/^active$/m).then(() => undefined);
  active.catch(() => undefined);
  const port = Number((await seen(/listening (\d+)/))[1]);
  return {
    child,
    port,
    eventsUrl: `http://127.0.0.1:${port}/slack/events`,
    active,
    stderr: () => stderr,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
