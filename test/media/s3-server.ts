import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** A local S3-compatible server (s3rver) on 127.0.0.1 with one bucket; credentials S3RVER / S3RVER. */
export interface LocalS3 {
  endpoint: string;
  bucket: string;
  /** The settings that point a crawl at it. */
  settings: Record<string, string>;
  close(): Promise<void>;
}

export async function startLocalS3(bucket = 'bucket'): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), 'tscrapy-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  let closed = false;
  return {
    endpoint,
    bucket,
    settings: { AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION_NAME: 'us-east-1' },
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
