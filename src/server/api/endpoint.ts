import type { ServerContext } from '../context.js';
import type { Params } from '../http/params.js';

/** One JSON API resource. `handle` returns the reply's fields; the router adds `status` and `node_name`. */
export interface Endpoint {
  path: string;
  methods: Array<'GET' | 'POST'>;
  /** The one parameter that may carry a bundle's bytes (a file part or a field), capped by max_upload_size. */
  bundleField?: string;
  handle(ctx: ServerContext, params: Params): Record<string, unknown> | Promise<Record<string, unknown>>;
}
