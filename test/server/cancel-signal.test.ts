import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSignal } from '../../src/server/launcher/terminate.js';
import { makeBundle, startTestServer } from './helpers.js';

describe('cancel.json signal', { timeout: 60_000 }, () => {
  it('accepts INT, TERM and KILL with or without SIG (and 2, 15, 9), nothing else', () => {
    for (const [input, signal] of [['INT', 'SIGINT'], ['sigint', 'SIGINT'], ['Term', 'SIGTERM'], ['SIGTERM', 'SIGTERM'], ['KILL', 'SIGKILL'], [' sigkill ', 'SIGKILL'], ['2', 'SIGINT'], ['15', 'SIGTERM'], ['9', 'SIGKILL']]) {
      assert.equal(parseSignal(input!), signal, input);
    }
    for (const input of ['USR1', 'SIGUSR1', 'usr2', 'HUP', 'STOP', 'SIGCONT', 'QUIT', '10', '12', '0', '-9', 'SIG', 'INTX', 'constructor', '__proto__', 'toString']) {
      assert.throws(() => parseSignal(input), /is not allowed: use INT \(a graceful stop, the default\), TERM or KILL/, input);
    }
  });

  it('refuses SIGUSR1 (Node would open its inspector in the job) and leaves the job running', async () => {
    const t = await startTestServer();
    try {
      await t.upload('demo', '1', await makeBundle());
      await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'j1', mode: 'hang' });
      await t.waitFor(async () => (await t.get('/status.json', { job: 'j1' })).body.currstate === 'running', 'j1 running');
      for (const signal of ['USR1', 'SIGUSR1', '10', 'HUP']) {
        const r = await t.post('/cancel.json', { project: 'demo', job: 'j1', signal });
        assert.equal(r.body.status, 'error', signal);
        assert.match(r.body.message, /is not allowed/);
      }
      assert.equal((await t.get('/status.json', { job: 'j1' })).body.currstate, 'running');
      assert.equal((await t.post('/cancel.json', { project: 'demo', job: 'j1', signal: 'TERM' })).body.prevstate, 'running');
      await t.waitFor(async () => (await t.get('/status.json', { job: 'j1' })).body.currstate === 'finished', 'j1 finished');
    } finally {
      await t.close();
    }
  });
});
