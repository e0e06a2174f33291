import type { ServerContext } from '../context.js';
import type { Params } from '../http/params.js';

/** One JSON API resource. `handle` returns the reply's fields; the router adds `status` and `node_name`. */
export interface Endpoint {
  path: string;
  methods: Array<'GET' | 'POST'>;
  handle(ctx: ServerContext, params: Params): Record<string, unknown> | Promise<Record<string, unknown>>;
}
