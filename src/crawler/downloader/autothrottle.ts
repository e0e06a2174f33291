import { InvalidArgumentError } from '../errors.js';
import type { Response } from '../http/response.js';
import type { Logger } from '../logger.js';
import type { Settings } from '../settings/settings.js';
import type { Slot } from './slot.js';

export interface AutoThrottleOptions {
  /** Seconds; the lowest delay (DOWNLOAD_DELAY). */
  minDelay: number;
  /** Seconds (AUTOTHROTTLE_START_DELAY). */
  startDelay: number;
  /** Seconds (AUTOTHROTTLE_MAX_DELAY). */
  maxDelay: number;
  /** AUTOTHROTTLE_TARGET_CONCURRENCY, > 0. */
  targetConcurrency: number;
  debug: boolean;
}

/**
 * Scrapy's AutoThrottle, kept inside the downloader's slots: each slot's delay moves towards
 * `latency / targetConcurrency`, averaged with the current delay, clamped to
 * [minDelay, maxDelay]; a non-200 response never lowers it (errors are often fast).
 */
export class AutoThrottle {
  constructor(
    readonly opts: AutoThrottleOptions,
    private readonly logger: Logger,
  ) {}

  /** Reads AUTOTHROTTLE_*; null when AutoThrottle is off. */
  static fromSettings(settings: Settings, minDelay: number, logger: Logger): AutoThrottle | null {
    if (!settings.getBool('AUTOTHROTTLE_ENABLED')) return null;
    const targetConcurrency = settings.getFloat('AUTOTHROTTLE_TARGET_CONCURRENCY');
    if (!(targetConcurrency > 0)) {
      throw new InvalidArgumentError(`AUTOTHROTTLE_TARGET_CONCURRENCY must be a number above 0, got ${targetConcurrency}`);
    }
    const maxDelay = settings.getFloat('AUTOTHROTTLE_MAX_DELAY');
    const startDelay = settings.getFloat('AUTOTHROTTLE_START_DELAY');
    if (maxDelay < 0 || startDelay < 0) {
      throw new InvalidArgumentError(`AUTOTHROTTLE_MAX_DELAY and AUTOTHROTTLE_START_DELAY must be 0 or more seconds, got ${maxDelay} and ${startDelay}`);
    }
    return new AutoThrottle({ minDelay, startDelay, maxDelay, targetConcurrency, debug: settings.getBool('AUTOTHROTTLE_DEBUG') }, logger);
  }

  /** The delay a new slot starts with. */
  initialDelay(): number {
    return Math.max(this.opts.minDelay, this.opts.startDelay);
  }

  /** Adjusts `slot.delay` after `response` arrived `latency` seconds after it was sent. */
  adjust(slot: Slot, latency: number, response: Response): void {
    if (response.meta.autothrottle_dont_adjust_delay) return;
    const old = slot.delay;
    const { minDelay, maxDelay, targetConcurrency } = this.opts;
    const target = latency / targetConcurrency;
    let next = Math.max(target, (old + target) / 2);
    next = Math.min(Math.max(minDelay, next), maxDelay);
    // A non-200 response (often an error page served fast) must not make us faster.
    if (response.status !== 200 && next <= old) return;
    slot.delay = next;
    if (this.opts.debug) {
      const diff = Math.round((next - old) * 1000);
      this.logger.info(
        `slot: ${slot.key} | conc:${String(slot.transferring).padStart(2)} | delay:${String(Math.round(next * 1000)).padStart(5)} ms (${diff >= 0 ? '+' : ''}${diff}) | latency:${String(Math.round(latency * 1000)).padStart(5)} ms | size:${String(response.body.length).padStart(6)} bytes`,
      );
    }
  }
}
