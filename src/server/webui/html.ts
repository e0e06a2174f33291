/** Escapes text for HTML content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222}
header{background:#1f3a5f;color:#fff;padding:.6em 1em;display:flex;gap:1.5em;align-items:baseline}
header a{color:#fff;text-decoration:none}header b{font-size:1.1em}
main{padding:1em}table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}th{background:#f3f3f3}
pre{background:#111;color:#ddd;padding:.6em;max-height:60vh;overflow:auto;white-space:pre-wrap}
.err{background:#fdd;border:1px solid #c66;padding:.5em}.muted{color:#777}
form.inline{display:inline}fieldset{margin:.5em 0 1em;border:1px solid #ccc}
label{display:block;margin:.3em 0}textarea{width:28em;height:3.5em}`;

/** The page frame shared by every UI page. */
export function layout(title: string, nodeName: string, body: string, script = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} · tscrapy server</title><style>${CSS}</style></head>
<body><header><b>tscrapy server</b><a href="/">Projects</a><a href="/jobs">Jobs</a><span class="muted">${esc(nodeName)}</span></header>
<main><h1>${esc(title)}</h1>
${body}
</main>${script ? `<script>${script}</script>` : ''}</body></html>`;
}

/** "1 h 2 min", "3.4 s". */
export function duration(ms: number | null): string {
  if (ms === null || ms < 0) return '';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h} h ${m} min` : `${m} min ${s % 60} s`;
}
