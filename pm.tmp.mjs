import v8 from 'node:v8';
import { readFileSync } from 'node:fs';
import { Selector } from './dist/index.js';
const html = readFileSync('/tmp/p7.html', 'utf8');
const t0 = performance.now();
for (let i = 0; i < 3000; i++) new Selector({ text: html }).css('div.product-page h1.name::text').get();
const hwm = readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\s+(\d+)/)[1];
console.log('ms/page', ((performance.now() - t0) / 3000).toFixed(3), 'HWM', (hwm / 1024).toFixed(1), 'peak_malloced', (v8.getHeapStatistics().peak_malloced_memory / 1048576).toFixed(1));
