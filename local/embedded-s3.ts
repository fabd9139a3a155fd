/**
 * An S3-protocol server embedded in the process (s3rver), rooted at a local folder,
 * so the Lambda steps talk real S3 over HTTP with the real @aws-sdk/client-s3.
 *
 * Known gap: s3rver does not implement UploadPartCopy (multipart server-side copy of
 * objects over 5 GiB); locally staged datasets are far below that.
 */
import { mkdir } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";

export interface EmbeddedS3Options {
  /** Folder that holds the buckets' objects. */
  readonly directory: string;
  /** Buckets to create at start. */
  readonly buckets?: readonly string[];
  /** Region the clients claim; s3rver ignores it. */
  readonly region?: string;
}

export interface EmbeddedS3 {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly region: string;
  /** A client configured for this server (path-style, static test credentials). */
  createClient(): S3Client;
  close(): Promise<void>;
}

/** s3rver accepts any credentials; these never leave the machine. */
export const EMBEDDED_S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

/** Starts the server on a free loopback port. */
export async function startEmbeddedS3(options: EmbeddedS3Options): Promise<EmbeddedS3> {
  await mkdir(options.directory, { recursive: true });
  const region = options.region ?? "us-east-1";
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: options.directory,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name, configs: [] })),
    // Bucket names come from the URL path, never from the Host header.
    vhostBuckets: false,
  });
  const address = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${address.port}`;
  const clients: S3Client[] = [];
  return {
    endpoint,
    region,
    createClient() {
      const client = new S3Client({
        endpoint,
        region,
        forcePathStyle: true,
        credentials: EMBEDDED_S3_CREDENTIALS,
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.destroy();
      await server.close();
    },
  };
}
