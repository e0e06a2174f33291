/** `http://user:secret@proxy:8080` → `http://user:****@proxy:8080`: passwords never reach a log line. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '****';
    return u.href;
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:****@');
  }
}
