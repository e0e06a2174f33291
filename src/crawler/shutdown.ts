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
  let first: NodeJS.Signals | null = null;
  const handler = (signal: NodeJS.Signals) => {
    if (first === null) {
      first = signal;
      logger.info(`Received ${signal}, shutting down gracefully. Send again to force`);
      target.stop('shutdown', false);
    } else {
      // Name both when they differ (a cancel's INT, then the TERM that follows it).
      logger.info(`Received ${signal === first ? `${signal} twice` : `${signal} after ${first}`}, forcing unclean shutdown`);
      target.stop('shutdown', true);
    }
  };
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}
