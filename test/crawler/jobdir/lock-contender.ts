// One process contending for JOBDIR locks, driven by lock.test.ts over IPC: for each trial it
// waits until the given instant (so that every contender tries at the same moment), tries to take
// the lock and reports whether it holds it. Locks it took stay held until the process exits.
import { JobdirLock } from '../../../src/crawler/jobdir/lock.js';

interface Trial {
  trial: number;
  path: string;
  /** performance.timeOrigin-based instant (ms) at which to try. */
  at: number;
}

const held: JobdirLock[] = [];
process.on('message', (m: Trial | 'exit') => {
  if (m === 'exit') {
    for (const l of held) l.release();
    process.disconnect();
    return;
  }
  while (performance.timeOrigin + performance.now() < m.at) {
    // Spin: a timer would spread the contenders over milliseconds.
  }
  const lock = new JobdirLock(m.path);
  try {
    lock.acquire();
    held.push(lock);
    process.send!({ trial: m.trial, held: true });
  } catch (err) {
    process.send!({ trial: m.trial, held: false, error: (err as Error).message });
  }
});
process.send!('ready');
