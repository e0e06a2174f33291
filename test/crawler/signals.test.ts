import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LEVELS, Logger, MemorySink } from '../../src/crawler/logger.js';
import { SignalManager } from '../../src/crawler/signals.js';
import { Spider } from '../../src/crawler/spider.js';

class S extends Spider {
  override name = 's';
}

describe('SignalManager.sendAsync', () => {
  it('calls every handler at once, in order, waits for the asynchronous ones, and reports failures without stopping the rest', async () => {
    const sink = new MemorySink();
    const signals = new SignalManager(new Logger('test', LEVELS.DEBUG, sink));
    const calls: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    signals.connect('itemScraped', () => void calls.push('sync'));
    signals.connect('itemScraped', async () => {
      calls.push('async start');
      await gate;
      calls.push('async end');
    });
    signals.connect('itemScraped', () => {
      calls.push('throws');
      throw new Error('sync failure');
    });
    signals.connect('itemScraped', () => {
      calls.push('rejects');
      return Promise.reject(new Error('async failure'));
    });
    signals.connect('itemScraped', () => void calls.push('last'));
    let settled = false;
    const sent = signals.sendAsync('itemScraped', { item: {}, response: null, spider: new S() }).then(() => (settled = true));
    assert.deepEqual(calls, ['sync', 'async start', 'throws', 'rejects', 'last']);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'waits for the pending handler');
    release();
    await sent;
    assert.deepEqual(calls, ['sync', 'async start', 'throws', 'rejects', 'last', 'async end']);
    const logged = sink.lines.join('\n');
    assert.match(logged, /sync failure/);
    assert.match(logged, /async failure/);
  });

  it('skips a handler an earlier one disconnected, and resolves at once when all are synchronous', async () => {
    const signals = new SignalManager();
    const calls: string[] = [];
    const second = () => void calls.push('second');
    signals.connect('spiderIdle', () => {
      calls.push('first');
      signals.disconnect('spiderIdle', second);
    });
    signals.connect('spiderIdle', second);
    await signals.sendAsync('spiderIdle', { spider: new S() });
    assert.deepEqual(calls, ['first']);
  });
});
