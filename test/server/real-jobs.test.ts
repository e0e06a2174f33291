// Jobs run by the real job child (src/server/launcher/child.ts) on a real bundle that imports
// tscrapy, crawling a local site.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { packArchive } from '../../src/project/archive.js';
import { startTestServer } from './helpers.js';

const SPIDER = `import { Request, Spider } from 'tscrapy';
export class Alpha extends Spider {
  name = 'alpha';
  async *start() {
    yield new Request(this.start_url);
  }
  *parse(response) {
    yield { url: response.url, title: response.css('title::text').get() };
  }
}
export const spiders = [Alpha];
export const settings = { LOG_LEVEL: 'INFO' };
export const components = {};
`;

async function realBundle(project: string, version: string): Promise<Buffer> {
  const map = Buffer.from(JSON.stringify({ version: 3, sources: [], names: [], mappings: '' }));
  return (await packArchive({ project, version, spiders: ['alpha'], settingsModule: 'settings', code: Buffer.from(SPIDER), map })).archive;
}

async function site(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<html><title>page ${req.url}</title></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

describe('real job processes', { timeout: 240_000 }, () => {
  it('8 jobs of a just-deployed version scheduled together all start and finish', async () => {
    const s = await site();
    const t = await startTestServer({ max_proc: 8 }, { runnerScript: undefined });
    try {
      assert.equal((await t.upload('shop', '1', await realBundle('shop', '1'))).body.status, 'ok');
      const ids = Array.from({ length: 8 }, (_, i) => `j${i}`);
      const replies = await Promise.all(ids.map((jobid) => t.post('/schedule.json', { project: 'shop', spider: 'alpha', jobid, start_url: `${s.url}${jobid}` })));
      for (const r of replies) assert.equal(r.body.status, 'ok', JSON.stringify(r.body));
      await t.waitFor(async () => (await t.get('/listjobs.json')).body.finished.length === 8, 'all 8 jobs to finish', 180_000);
      for (const id of ids) {
        const job = (await t.get('/job.json', { job: id })).body.job;
        assert.equal(job.finish_reason, 'finished', `${id}: ${job.message}`);
        assert.equal(job.exit_code, 0, id);
        assert.equal(job.items_count, 1, id);
      }
    } finally {
      await t.close();
      s.server.close();
    }
  });
});
