import { spawn, type ChildProcess } from 'node:child_process';

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed; without it stdin is closed at once. */
  input?: string;
  /** Killed with SIGKILL after this many ms (a note is added to stderr). */
  timeoutMs: number;
  /** Run in its own process group and kill the whole group on timeout (shell scripts, npm). */
  group?: boolean;
  /** Called once the child runs, e.g. to signal it when its output shows progress. */
  onSpawn?: (child: ChildProcess, output: { stdout: () => string; stderr: () => string }) => void;
}

/** Runs a command as a child process, collecting its output; bounded in time. */
export function runProcess(command: string, args: string[], o: ProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: o.cwd, env: o.env, stdio: ['pipe', 'pipe', 'pipe'], detached: o.group ?? false });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c));
    child.stderr!.on('data', (c: Buffer) => (stderr += c));
    child.stdin!.end(o.input);
    const timer = setTimeout(() => {
      try {
        if (o.group) process.kill(-child.pid!, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      stderr += `\n[killed after ${o.timeoutMs} ms]`;
    }, o.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    o.onSpawn?.(child, { stdout: () => stdout, stderr: () => stderr });
  });
}

/**
 * Resolves once `output()` (what the child has written to stderr so far) matches `pattern`, or
 * the child has exited (the caller's assertions then say what was missing): for sending a signal
 * only when the crawl has taken the one before.
 */
export function stderrShows(child: ChildProcess, output: () => string, pattern: RegExp): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!pattern.test(output()) && child.exitCode === null && child.signalCode === null) return;
      child.stderr!.off('data', check);
      resolve();
    };
    child.stderr!.on('data', check);
    child.once('close', check);
    check();
  });
}
