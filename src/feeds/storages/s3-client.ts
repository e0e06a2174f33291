import type { S3Client } from '@aws-sdk/client-s3';
import type { Settings } from '../../crawler/settings/settings.js';
import { maskUrl } from '../../crawler/downloader/mask.js';
import { StorageError } from './errors.js';

/** A bucket and a key (or key prefix) from an `s3://bucket/key` URI. */
export interface S3Location {
  bucket: string;
  key: string;
}

/** Parses `s3://bucket/key`; credentials in the URI are refused (they would end up in logs). */
export function parseS3Uri(uri: string, setting: string): S3Location {
  const m = /^s3:\/\/([^/]*)(?:\/(.*))?$/i.exec(uri);
  if (!m || m[1] === '') throw new StorageError(`${setting}: ${JSON.stringify(maskUrl(uri))} is not an S3 URI; write s3://bucket/path`);
  if (m[1]!.includes('@')) {
    throw new StorageError(`${setting}: ${maskUrl(uri)} holds credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (settings or environment) instead`);
  }
  return { bucket: m[1]!, key: decodeURIComponent(m[2] ?? '') };
}

type S3Sdk = typeof import('@aws-sdk/client-s3');

let sdk: Promise<S3Sdk> | null = null;

/** Loads `@aws-sdk/client-s3` on first use only: crawls without S3 never load it. */
export function loadS3Sdk(): Promise<S3Sdk> {
  sdk ??= import('@aws-sdk/client-s3').catch((err: unknown) => {
    sdk = null;
    throw new StorageError(`S3 storage needs the "@aws-sdk/client-s3" package, which could not be loaded (${(err as Error)?.message ?? err}). Install it with: npm install @aws-sdk/client-s3 @aws-sdk/lib-storage`, { cause: err });
  });
  return sdk;
}

/**
 * An S3 client from Scrapy's settings: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN (else the SDK's usual sources: environment, profile, instance role),
 * AWS_REGION_NAME, and AWS_ENDPOINT_URL for an S3-compatible service (path-style addressing).
 * AWS_USE_SSL=false turns the endpoint to http.
 */
export async function createS3Client(settings: Settings): Promise<S3Client> {
  const { S3Client } = await loadS3Sdk();
  const str = (name: string): string | undefined => {
    const v = settings.get(name);
    return v === undefined || v === null || v === '' ? undefined : String(v);
  };
  const accessKeyId = str('AWS_ACCESS_KEY_ID');
  const secretAccessKey = str('AWS_SECRET_ACCESS_KEY');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new StorageError('Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither (to use the environment or an AWS profile)');
  }
  let endpoint = str('AWS_ENDPOINT_URL');
  if (endpoint && settings.has('AWS_USE_SSL') && !settings.getBool('AWS_USE_SSL')) endpoint = endpoint.replace(/^https:/i, 'http:');
  return new S3Client({
    region: str('AWS_REGION_NAME') ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(accessKeyId ? { credentials: { accessKeyId, secretAccessKey: secretAccessKey!, sessionToken: str('AWS_SESSION_TOKEN') } } : {}),
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    // S3-compatible services often lack the newer checksum trailers; send them only when required.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** The error's message for logs: the SDK's error name and message, never the request's credentials. */
export function s3ErrorMessage(err: unknown): string {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : '';
  return `${e?.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e?.message ?? String(err)}${status}`;
}
