// Child-process entry of the demo shop: `node site-main.js '{"products":20000}'` prints
// `{"origin": …}` on stdout once listening and serves until stdin closes or SIGTERM.
import { startCatalogueSite, type CatalogueSiteOptions } from './catalogue-site.js';

const options = JSON.parse(process.argv[2] ?? '{}') as CatalogueSiteOptions;
const site = await startCatalogueSite(options);
process.stdout.write(JSON.stringify({ origin: site.origin }) + '\n');
const stop = () => void site.close().then(() => process.exit(0));
process.stdin.on('end', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
