import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { makeBundle, startTestServer, type TestServer } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const skip = existsSync(CHROMIUM) ? false : `chromium is not installed at ${CHROMIUM} (apt-get install -y chromium)`;

describe('web UI in headless Chromium', { timeout: 120_000, skip }, () => {
  let t: TestServer;
  let browser: import('playwright-core').Browser;
  before(async () => {
    const { chromium } = await import('playwright-core');
    t = await startTestServer({ max_proc: 2 });
    await t.upload('demo', 'r1', await makeBundle({ spiders: ['alpha', 'beta'] }));
    await t.upload('demo', 'r2', await makeBundle({ spiders: ['alpha', 'beta', 'gamma'] }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lists projects, schedules through the form, follows the job to the end, opens log and items', async () => {
    const page = await browser.newPage();
    await page.goto(t.url);
    assert.equal(await page.locator('h2#project-demo').textContent(), 'demo');
    assert.match((await page.locator('main').textContent())!, /Versions \(latest last\): r1, r2/);
    assert.match((await page.locator('main').textContent())!, /Spiders in r2: alpha, beta, gamma/);
    const form = page.locator('form.schedule[data-project="demo"]');
    await form.locator('select[name=spider]').selectOption('beta');
    await form.locator('textarea[name=args]').fill('items=4\ninterval=150');
    await form.locator('textarea[name=settings]').fill('DOWNLOAD_DELAY=1');
    await form.locator('button[type=submit]').click();
    await page.waitForURL(/\/jobs\/[0-9a-f]{32}$/);
    const id = page.url().split('/').pop()!;
    // the log is followed live over SSE until the job ends
    await page.locator('#follow', { hasText: '(finished)' }).waitFor({ timeout: 20_000 });
    assert.match((await page.locator('#log').textContent())!, /scraped item 4/);
    const job = (await t.get('/job.json', { job: id })).body.job;
    assert.deepEqual(job.args, { items: '4', interval: '150' });
    assert.deepEqual(job.settings, { DOWNLOAD_DELAY: '1' });
    await page.reload();
    assert.match((await page.locator('#job').textContent())!, /Statefinished/);
    await page.locator('#items-link').click();
    const items = (await page.locator('body').textContent())!.trim().split('\n');
    assert.equal(items.length, 4);
    await page.goBack();
    await page.locator('#log-link').click();
    assert.match((await page.locator('body').textContent())!, /closing spider \(finished\) after 4 items/);
    await page.close();
  });

  it('/jobs updates live as jobs start and finish', async () => {
    const page = await browser.newPage();
    await page.goto(new URL('/jobs', t.url).href);
    const { jobid } = (await t.post('/schedule.json', { project: 'demo', spider: 'alpha', mode: 'hang', interval: '100' })).body;
    await page.locator(`#running a[data-job="${jobid}"]`).waitFor({ timeout: 10_000 });
    await t.waitFor(async () => (await t.get('/job.json', { job: jobid })).body.job.items_count >= 2, 'some items');
    await t.post('/cancel.json', { project: 'demo', job: jobid });
    await page.locator(`#finished tr:has(a[data-job="${jobid}"]) td.reason`, { hasText: 'shutdown' }).waitFor({ timeout: 10_000 });
    assert.ok(Number(await page.locator(`#finished tr:has(a[data-job="${jobid}"]) td.items`).textContent()) >= 2);
    await page.close();
  });

  it('works without JavaScript: the schedule form posts and redirects; errors are shown', async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(t.url);
    const form = page.locator('form.schedule[data-project="demo"]');
    await form.locator('select[name=_version]').selectOption('r1');
    await form.locator('textarea[name=args]').fill('no equals sign');
    await form.locator('button[type=submit]').click();
    assert.match((await page.locator('.err').textContent())!, /Spider arguments: "no equals sign" is not NAME=VALUE/);
    await page.locator('form.schedule[data-project="demo"] select[name=_version]').selectOption('r1');
    await page.locator('form.schedule[data-project="demo"] textarea[name=args]').fill('items=1');
    await page.locator('form.schedule[data-project="demo"] button[type=submit]').click();
    await page.waitForURL(/\/jobs\/[0-9a-f]{32}$/);
    const id = page.url().split('/').pop()!;
    await t.waitFor(async () => (await t.get('/status.json', { job: id })).body.currstate === 'finished', 'job to finish');
    assert.equal((await t.get('/job.json', { job: id })).body.job.version, 'r1');
    await page.goto(new URL('/jobs', t.url).href);
    assert.equal(await page.locator(`#finished tr:has(a[data-job="${id}"]) td.reason`).textContent(), 'finished');
    await ctx.close();
  });
});
