// `fetch --headers` and `fetch --json` printed the request's Authorization header as sent, so
// credentials from the project's settings (or HttpAuthMiddleware) landed in terminals, CI logs and
// pasted bug reports. The header is shown with its scheme and the secret masked; it is still sent.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFaultSite, type FaultSite } from '../support/fault-site.js';
import { runCli, tempTree } from '../cli/helpers.js';

const TOKEN = 'tok-never-printed';

describe('tscrapy fetch and credentials', { timeout: 60_000 }, () => {
  let site: FaultSite;
  let tree: Awaited<ReturnType<typeof tempTree>>;
  before(async () => {
    site = await startFaultSite();
    tree = await tempTree();
  });
  after(async () => {
    await site.close();
    await tree.cleanup();
  });

  const auth = ['-s', `DEFAULT_REQUEST_HEADERS={"Authorization": "Bearer ${TOKEN}"}`];

  it('--headers shows Authorization masked, and the server still got it', async () => {
    const r = await runCli(['fetch', site.url('/echo'), '--headers', '--nolog', ...auth], tree.dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^> Authorization: Bearer \*\*\*\*$/im);
    assert.ok(!r.stdout.includes(TOKEN) && !r.stderr.includes(TOKEN), r.stdout);
    const body = await runCli(['fetch', site.url('/echo'), '--nolog', ...auth], tree.dir);
    assert.equal((JSON.parse(body.stdout) as { headers: Record<string, string> }).headers.authorization, `Bearer ${TOKEN}`);
  });

  it('--json gives requestHeaders with Authorization masked', async () => {
    const r = await runCli(['fetch', site.url('/ok'), '--json', '--nolog', ...auth], tree.dir);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { requestHeaders: Record<string, string | string[]> };
    const [name, value] = Object.entries(j.requestHeaders).find(([k]) => k.toLowerCase() === 'authorization')!;
    assert.ok(name);
    assert.equal(Array.isArray(value) ? value[0] : value, 'Bearer ****');
    assert.ok(!r.stdout.includes(TOKEN));
  });
});
