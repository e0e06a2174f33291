import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { BrowserNotAvailableError } from './errors.js';

/** Names a system Chromium goes by on PATH, most specific first. */
const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome', 'chrome'];

/**
 * Chromium switches for crawling: no sandbox (containers, root), no GPU, no QUIC (the crawl's
 * proxy and robots rules see TCP only), and no background traffic of the browser's own.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium to run: `explicit` (BROWSER_EXECUTABLE_PATH setting), else the
 * BROWSER_EXECUTABLE_PATH environment variable, else the first Chromium or Chrome on PATH.
 * Browser downloads are not used: the browser is the system's.
 */
export function findChromium(explicit: string | null = null, env: NodeJS.ProcessEnv = process.env): string {
  const named = explicit || env.BROWSER_EXECUTABLE_PATH;
  if (named) {
    if (!isAbsolute(named) || !isExecutable(named)) {
      throw new BrowserNotAvailableError(`BROWSER_EXECUTABLE_PATH is ${JSON.stringify(named)}, which is not an absolute path to an executable file; name the Chromium binary, e.g. /usr/bin/chromium`);
    }
    return named;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of CHROMIUM_NAMES) {
      const p = join(dir, name);
      if (isExecutable(p)) return p;
    }
  }
  throw new BrowserNotAvailableError(
    `No Chromium found on PATH (looked for ${CHROMIUM_NAMES.join(', ')}); install one (Debian: apt-get install chromium) or set BROWSER_EXECUTABLE_PATH`,
  );
}

type Playwright = typeof import('playwright-core');
let playwright: Promise<Playwright> | undefined;

/** playwright-core, loaded on the first rendered request only (it is an optional dependency). */
export async function loadPlaywright(): Promise<Playwright> {
  playwright ??= import('playwright-core').catch((err: unknown) => {
    playwright = undefined;
    throw new BrowserNotAvailableError(`Rendering pages needs playwright-core, which is not installed: run npm install playwright-core (${(err as Error).message})`, { cause: err });
  });
  return playwright;
}

/**
 * Starts headless Chromium over a pipe. The pipe is what ties the browser to this process: when
 * the crawl dies, even by `kill -9`, Chromium reads end-of-file and exits. Playwright's own signal
 * handlers stay off, so the crawl's graceful Ctrl-C keeps working; the crawl closes the browser.
 * `owner` is added as an inert switch so the browser's processes can be found by their command line.
 */
export async function launchChromium(executablePath: string, owner: string): Promise<Browser> {
  const { chromium } = await loadPlaywright();
  return chromium.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS, `--tscrapy-owner=${owner}`],
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}
