import type { Logger } from './logger.js';

/** Something that can be stopped gracefully, then forcefully. */
export interface Stoppable {
  stop(reason?: string, force?: boolean): void;
}

/**
 * Scrapy's shutdown handlers: the first SIGINT/SIGTERM stops gracefully (reason 'shutdown'),
 * the second forces. Returns a function that removes the handlers (call it when the crawl ends,
 * so a long-running process keeps no listeners).
 */
export function installShutdownHandlers(target: Stoppable, logger: Logger, signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): () => void {
  let received = 0;
  const handler = (signal: NodeJS.Signals) => {
    received++;
    if (received === 1) {
      logger.info(`Received ${signal}, shutting down gracefully. Send again to force`);
      target.stop('shutdown', false);
    } else {
      logger.info(`Received ${signal} twice, forcing unclean shutdown`);
      target.stop('shutdown', true);
    }
  };
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}
