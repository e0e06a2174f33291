import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FtpSrv } from 'ftp-srv';

/** A local FTP server (ftp-srv) on 127.0.0.1, passive mode, one user; files live in `root`. */
export interface LocalFtp {
  root: string;
  port: number;
  user: string;
  password: string;
  /** `ftp://user:password@127.0.0.1:port` */
  origin: string;
  close(): Promise<void>;
}

const quietLog = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  fatal() {},
  child() {
    return quietLog;
  },
};

export async function startLocalFtp(user = 'crawler', password = 'ftp-Secret-9'): Promise<LocalFtp> {
  const root = mkdtempSync(join(tmpdir(), 'tscrapy-ftp-'));
  const server = new FtpSrv({ url: 'ftp://127.0.0.1:0', pasv_url: '127.0.0.1', pasv_min: 40000, pasv_max: 60000, anonymous: false, log: quietLog as never });
  server.on('login', ({ username, password: given }, resolve, reject) => {
    if (username === user && given === password) resolve({ root });
    else reject(new Error('Invalid username or password'));
  });
  await server.listen();
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address()).port;
  let closed = false;
  return {
    root,
    port,
    user,
    password,
    origin: `ftp://${user}:${password}@127.0.0.1:${port}`,
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
