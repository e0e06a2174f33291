import { spawn, type ChildProcess } from 'node:child_process';

/** Child processes that act at the same moment, trial after trial (see {@link startContenders}). */
export interface Contenders<O> {
  /** Sends each process its message for `trial` (by its index) and resolves with every process's outcome. */
  trial(trial: number, message: (index: number) => object): Promise<O[]>;
  /** Asks each process to exit (SIGKILL after 10 s). */
  close(): Promise<void>;
}

/**
 * Starts `count` processes of `script` (run with tsx). Each says it is ready with a first IPC
 * message, then answers every `{ trial, … }` message with one `{ trial, … }` outcome, and exits
 * on `'exit'`. Started once and reused, so that a trial's processes act together rather than
 * as fast as Node starts.
 */
export async function startContenders<O extends { trial: number }>(script: string, count: number): Promise<Contenders<O>> {
  const children: ChildProcess[] = [];
  const outcomes = new Map<number, O[]>();
  const waiters = new Map<number, () => void>();
  for (let i = 0; i < count; i++) {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
    });
    child.on('message', (m: O) => {
      const list = outcomes.get(m.trial) ?? [];
      list.push(m);
      outcomes.set(m.trial, list);
      if (list.length === count) waiters.get(m.trial)?.();
    });
  }
  return {
    async trial(trial, message) {
      const done = new Promise<void>((resolve) => waiters.set(trial, resolve));
      children.forEach((c, i) => c.send(message(i)));
      await done;
      return outcomes.get(trial)!;
    },
    async close() {
      await Promise.all(
        children.map((c) => {
          if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
          const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
          c.send('exit');
          const kill = setTimeout(() => c.kill('SIGKILL'), 10_000);
          return exited.finally(() => clearTimeout(kill));
        }),
      );
    },
  };
}
