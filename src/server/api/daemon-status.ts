import type { Endpoint } from './endpoint.js';

/** daemonstatus.json: job counts (plus tscrapy's max_proc and uptime). */
export const daemonStatus: Endpoint = {
  path: '/daemonstatus.json',
  methods: ['GET'],
  handle(ctx) {
    return { ...ctx.scheduler.counts(), max_proc: ctx.scheduler.maxProc, uptime_s: Math.round((Date.now() - ctx.startedAt) / 1000) };
  },
};
