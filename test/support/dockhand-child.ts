import { spawn, type ChildProcess } from 'node:child_process';

export interface DockhandChildConfig {
  dbPath: string;
  sandboxUrl: string;
  slackApiUrl: string;
  signingSecret: string;
  policy: string;
}

/**
 * dockhand in its own process (test/support/dockhand-process.ts), so a test can kill it with SIGKILL
 * mid-operation. Resolves once it listens; the caller kills it (and should on cleanup too).
 */
export async function startDockhandProcess(config: DockhandChildConfig): Promise<{ child: ChildProcess; port: number; eventsUrl: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/dockhand-process.ts'], {
    env: { ...process.env, DOCKHAND_TEST_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`dockhand exited with ${code} before listening: ${stderr}`)));
  });
  return { child, port, eventsUrl: `http://127.0.0.1:${port}/slack/events` };
}

/** SIGKILL: no handler runs, nothing is flushed; resolves once the process is gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
