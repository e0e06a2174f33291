import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { CatalogueSiteOptions } from './catalogue-site.js';

export interface SiteProcess {
  origin: string;
  pid: number;
  close(): Promise<void>;
}

/**
 * Serves the demo shop from a child process, so that a benchmark measures the crawler's CPU
 * and memory only. The child ends with this process (its stdin closes).
 */
export async function startCatalogueSiteProcess(options: CatalogueSiteOptions = {}): Promise<SiteProcess> {
  const self = fileURLToPath(import.meta.url);
  const isTs = self.endsWith('.ts');
  const entry = self.replace(/site-process\.(ts|js)$/, `site-main.${isTs ? 'ts' : 'js'}`);
  const child = spawn(process.execPath, [...(isTs ? ['--import', 'tsx'] : []), entry, JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return siteOfChild(child, 'The demo shop process');
}

/**
 * The site a child process serves: it prints `{"origin": …}` as its first line once it listens,
 * and ends when its stdin closes (or is killed 5 s later). `what` names it in the error thrown
 * when it exits before listening.
 */
export async function siteOfChild(child: ChildProcess, what: string): Promise<SiteProcess> {
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (l) => {
      rl.close();
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`${what} exited with code ${code} before listening`)));
  });
  const { origin } = JSON.parse(line) as { origin: string };
  return {
    origin,
    pid: child.pid!,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin!.end();
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
