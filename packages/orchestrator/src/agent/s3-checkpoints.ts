/**
 * An agent's checkpoints on S3 (live mode II): a task left without a destination is uploaded
 * by its agent, and the next instance's agent downloads it before the task resumes. The
 * orchestrator names the object (bucket, key, region, and an endpoint only for an emulator); the
 * agent's credentials are its instance's role, read from the instance metadata by the SDK's
 * default chain with the IMDSv1 fallback turned off (`ec2MetadataV1Disabled`): a hardened
 * instance answers IMDSv2 only, and a silent v1 request is a trap, not a fallback.
 */

import { readFileSync } from 'node:fs';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { defaultProvider } from '@aws-sdk/credential-provider-node';

/** Where a checkpoint is kept on S3. */
export interface S3Location {
  readonly bucket: string;
  readonly key: string;
  readonly region: string;
  /** An S3-compatible endpoint (an emulator's); default AWS's. */
  readonly endpoint?: string;
}

/** Checks a location from a request; @throws RangeError naming the field. */
export function checkS3Location(v: unknown): S3Location {
  const o = v as Record<string, unknown> | null;
  if (o === null || typeof o !== 'object')
    throw new RangeError('body: expected {bucket, key, region}');
  for (const f of ['bucket', 'key', 'region'] as const) {
    if (typeof o[f] !== 'string' || (o[f] as string).length === 0) {
      throw new RangeError(`${f}: expected a non-empty string, got ${JSON.stringify(o[f])}`);
    }
  }
  const { bucket, key, region, endpoint } = o;
  if (endpoint !== undefined && typeof endpoint !== 'string') {
    throw new RangeError(`endpoint: expected a URL, got ${JSON.stringify(endpoint)}`);
  }
  return {
    bucket: bucket as string,
    key: key as string,
    region: region as string,
    ...(endpoint ? { endpoint } : {}),
  };
}

/** S3 clients by region and endpoint (one each). */
export class AgentS3 {
  readonly #clients = new Map<string, S3Client>();

  #client(at: S3Location): S3Client {
    const k = `${at.region} ${at.endpoint ?? ''}`;
    let c = this.#clients.get(k);
    if (c === undefined) {
      c = new S3Client({
        region: at.region,
        credentials: defaultProvider({ ec2MetadataV1Disabled: true }),
        ...(at.endpoint ? { endpoint: at.endpoint, forcePathStyle: true } : {}),
      });
      this.#clients.set(k, c);
    }
    return c;
  }

  /** Uploads `file` to `at`; resolves to its size, bytes. */
  async upload(file: string, at: S3Location): Promise<number> {
    const body = readFileSync(file);
    await this.#client(at).send(
      new PutObjectCommand({ Bucket: at.bucket, Key: at.key, Body: body }),
    );
    return body.length;
  }

  /** Downloads `at`; undefined when there is no such object. */
  async download(at: S3Location): Promise<Uint8Array | undefined> {
    try {
      const out = await this.#client(at).send(
        new GetObjectCommand({ Bucket: at.bucket, Key: at.key }),
      );
      return await out.Body?.transformToByteArray();
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  close(): void {
    for (const c of this.#clients.values()) c.destroy();
    this.#clients.clear();
  }
}
