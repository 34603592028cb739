import busboy from 'busboy';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Request } from 'express';
import { routeOf } from '../http/errors';
import { fileError } from './import-errors';

/** Room for boundaries and part headers around the file in a multipart body. */
const MULTIPART_OVERHEAD = 64 * 1024;

export interface Upload {
  /** Temp file holding the bytes; gone after dispose(). */
  path: string;
  filename?: string;
  contentType?: string;
  dispose(): Promise<void>;
}

/**
 * Streams the request's file to a temp file: the `file` field of a multipart/form-data body, or
 * the raw body. More than `limitMiB` is a 413 as soon as the limit is crossed; the rest of the
 * body is then read and discarded so the client gets the answer instead of a reset connection.
 */
export async function receiveUpload(req: Request, limitMiB: number): Promise<Upload> {
  const limitBytes = limitMiB * 1024 * 1024;
  const tooLarge = () => fileError(413, 'upload_too_large', `the upload to ${routeOf(req)} exceeds the ${limitMiB} MiB limit (UPLOAD_LIMIT_MB); nothing was written`);
  const multipart = /^multipart\/form-data/i.test(req.headers['content-type'] ?? '');
  // a declared length says it early; chunked uploads are counted as they stream
  if (Number(req.headers['content-length']) > limitBytes + (multipart ? MULTIPART_OVERHEAD : 0)) throw tooLarge();

  const dir = await mkdtemp(path.join(os.tmpdir(), 'gridatlas-import-'));
  const file = path.join(dir, 'upload');
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const received = multipart
      ? await receiveMultipart(req, file, limitBytes, tooLarge)
      : { ...(await receiveStream(req, file, limitBytes, tooLarge)), filename: filenameOf(req.headers['content-disposition']), contentType: req.headers['content-type'] };
    if (received.size === 0) throw fileError(400, 'empty_upload', 'the upload is empty');
    return { path: file, filename: received.filename, contentType: received.contentType, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

/** Copies `source` into `file`; past `limitBytes` it rejects and keeps draining `source`. */
function receiveStream(source: Readable, file: string, limitBytes: number, tooLarge: () => Error): Promise<{ size: number }> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(file);
    let size = 0;
    let failed = false;
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      out.destroy();
      source.resume();
      reject(e);
    };
    source.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limitBytes) return fail(tooLarge());
      if (!out.write(chunk)) {
        source.pause();
        out.once('drain', () => source.resume());
      }
    });
    source.on('end', () => {
      if (!failed) out.end();
    });
    source.on('error', fail);
    out.on('error', fail);
    out.on('close', () => {
      if (!failed) resolve({ size });
    });
  });
}

function receiveMultipart(req: Request, file: string, limitBytes: number, tooLarge: () => Error) {
  return new Promise<{ size: number; filename?: string; contentType?: string }>((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { files: 1, fileSize: limitBytes + 1 } });
    } catch (e) {
      return reject(fileError(400, 'invalid_multipart', `the multipart upload cannot be read: ${(e as Error).message}`));
    }
    let received: Promise<{ size: number; filename?: string; contentType?: string }> | undefined;
    bb.on('file', (field, stream, info) => {
      if (field !== 'file' || received) return stream.resume();
      received = receiveStream(stream, file, limitBytes, tooLarge).then(({ size }) => ({ size, filename: info.filename, contentType: info.mimeType }));
      received.catch(reject);
    });
    bb.on('close', () => {
      if (received) received.then(resolve, reject);
      else reject(fileError(400, 'missing_file', "the multipart upload has no 'file' field"));
    });
    bb.on('error', (e: Error) => reject(fileError(400, 'invalid_multipart', `the multipart upload cannot be read: ${e.message}`)));
    req.pipe(bb);
  });
}

/** The filename of a `Content-Disposition: attachment; filename="x.geojson"` header. */
function filenameOf(header: string | undefined): string | undefined {
  const m = header && /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}
