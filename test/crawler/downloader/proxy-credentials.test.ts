// A proxy URL whose password holds a bare % ("50%off") failed every request with a bare
// "URIError: URI malformed", naming neither the setting nor what to write instead.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../../src/crawler/errors.js';
import { Request } from '../../../src/crawler/http/request.js';
import { openDownloader } from './helpers.js';

describe('proxy credentials that are not percent-encoded', { timeout: 30_000 }, () => {
  it('fail the request with an InvalidArgumentError that says how to write a %, password masked', async () => {
    const h = await openDownloader();
    try {
      const request = new Request('http://127.0.0.1:9/page', { meta: { proxy: 'http://user:50%off@127.0.0.1:9' } });
      await assert.rejects(h.get(request), (err: Error) => {
        assert.ok(err instanceof InvalidArgumentError, `${err.name}: ${err.message}`);
        assert.match(err.message, /not valid percent-encoding: write a % in it as %25/);
        assert.ok(!err.message.includes('50%off'), err.message);
        return true;
      });
    } finally {
      await h.close();
    }
  });
});
