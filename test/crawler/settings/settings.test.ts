import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../../src/crawler/errors.js';
import { parseSettingValue, Settings } from '../../../src/crawler/settings/settings.js';

describe('Settings', () => {
  it('starts from the defaults', () => {
    const s = new Settings();
    assert.equal(s.get('CONCURRENT_REQUESTS'), 16);
    assert.equal(s.get('CONCURRENT_REQUESTS_PER_DOMAIN'), 8);
    assert.equal(s.getPriority('CONCURRENT_REQUESTS'), 0);
  });

  it('lets a higher priority win and ignores a lower one', () => {
    const s = new Settings({ DOWNLOAD_DELAY: 1 }, 'project');
    s.set('DOWNLOAD_DELAY', 3, 'cmdline');
    s.set('DOWNLOAD_DELAY', 2, 'spider');
    assert.equal(s.get('DOWNLOAD_DELAY'), 3);
    s.set('DOWNLOAD_DELAY', 4, 'cmdline');
    assert.equal(s.get('DOWNLOAD_DELAY'), 4);
  });

  it('coerces strings in typed getters and names the setting when it cannot', () => {
    const s = new Settings({ A: '12', B: 'true', C: '0.5', D: 'a, b', E: '{"x":1}', F: 'abc' });
    assert.equal(s.getInt('A'), 12);
    assert.equal(s.getBool('B'), true);
    assert.equal(s.getFloat('C'), 0.5);
    assert.deepEqual(s.getList('D'), ['a', 'b']);
    assert.deepEqual(s.getDict('E'), { x: 1 });
    assert.throws(() => s.getInt('F'), (e: Error) => e instanceof InvalidArgumentError && /F must be a number, got "abc"/.test(e.message));
    assert.throws(() => s.getBool('F'), /F must be a boolean/);
    assert.throws(() => s.getInt('C'), /C must be a whole number, got 0.5/);
  });

  it('refuses changes once frozen', () => {
    const s = new Settings().freeze();
    assert.throws(() => s.set('X', 1), /frozen/);
  });

  it('copies keep priorities and are not frozen', () => {
    const s = new Settings({ X: 1 }, 'cmdline').freeze();
    const c = s.copy();
    c.set('X', 2, 'project');
    assert.equal(c.get('X'), 1);
    c.set('X', 3, 'cmdline');
    assert.equal(c.get('X'), 3);
    assert.equal(s.get('X'), 1);
  });
});

describe('parseSettingValue', () => {
  it('parses numbers, booleans, null and JSON, and keeps other strings', () => {
    assert.equal(parseSettingValue('5'), 5);
    assert.equal(parseSettingValue('-0.25'), -0.25);
    assert.equal(parseSettingValue('true'), true);
    assert.equal(parseSettingValue('False'), false);
    assert.equal(parseSettingValue('null'), null);
    assert.deepEqual(parseSettingValue('{"a": [1]}'), { a: [1] });
    assert.equal(parseSettingValue('crawls/run-1'), 'crawls/run-1');
    assert.equal(parseSettingValue('{not json'), '{not json');
    assert.equal(parseSettingValue('1.2.3'), '1.2.3');
  });
});
