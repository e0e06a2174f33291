import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';

const dirFlag = (what: string) => Flags.string({ summary: what, helpGroup: 'STORAGE' });
const intFlag = (what: string) => Flags.string({ summary: what, helpGroup: 'JOBS' });

export default class Server extends BaseCommand<typeof Server> {
  static override summary = 'Run a Scrapyd-compatible server that receives `tscrapy deploy` bundles and runs their spiders.';
  static override description = `Speaks the Scrapyd 1.6 JSON API (schedule.json, listjobs.json, addversion.json, ...) so Scrapyd clients and dashboards work unchanged, and serves a web UI at /.

Configuration, lowest priority first: the [scrapyd] section of /etc/scrapyd/scrapyd.conf, /etc/scrapyd/conf.d/* (sorted), ./scrapyd.conf, ~/.scrapyd.conf and the closest scrapy.cfg; then the environment variables SCRAPYD_BIND_ADDRESS, SCRAPYD_HTTP_PORT, SCRAPYD_USERNAME, SCRAPYD_PASSWORD; then these flags. Unknown keys are warned about; bad values stop the server with the key, file and valid values named.

Deploying is running code on this host: the server listens on 127.0.0.1 by default and refuses any other address unless username and password are set (HTTP basic auth), or --insecure is given. Prefer SCRAPYD_PASSWORD over --password, which other users can see in the process list.

Ctrl-C or SIGTERM stops it gracefully: running jobs are asked to stop (and resume at the next start when they have a JOBDIR), pending jobs stay queued.

Exit codes: 0 stopped cleanly, 1 failed, 2 bad configuration or flags.`;

  static override examples = [
    { description: 'Serve on 127.0.0.1:6800 with data in the current folder', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Serve on all interfaces, with auth from the environment', command: 'SCRAPYD_USERNAME=admin SCRAPYD_PASSWORD=s3cret <%= config.bin %> <%= command.id %> --bind-address 0.0.0.0' },
    { description: 'Two jobs at a time, keep 1000 finished jobs, pause/resume state per job', command: '<%= config.bin %> <%= command.id %> --max-proc 2 --finished-to-keep 1000 --jobs-dir jobs' },
  ];

  static override flags = {
    'bind-address': Flags.string({ summary: 'Address to listen on (default 127.0.0.1).', helpGroup: 'HTTP' }),
    'http-port': Flags.string({ char: 'p', summary: 'Port to listen on (default 6800; 0 picks a free one).', helpGroup: 'HTTP' }),
    username: Flags.string({ summary: 'HTTP basic auth user name.', helpGroup: 'HTTP' }),
    password: Flags.string({ summary: 'HTTP basic auth password (prefer SCRAPYD_PASSWORD).', helpGroup: 'HTTP' }),
    insecure: Flags.boolean({ summary: 'Allow a non-loopback bind address without authentication.', helpGroup: 'HTTP' }),
    'node-name': Flags.string({ summary: 'Name reported in every reply (default: the host name).', helpGroup: 'HTTP' }),
    debug: Flags.boolean({ summary: 'Include stack traces in error replies.', helpGroup: 'HTTP', allowNo: true }),
    'error-status-codes': Flags.boolean({ summary: 'Answer API errors with honest 4xx/5xx codes instead of Scrapyd\'s 200.', helpGroup: 'HTTP', allowNo: true }),
    'allowed-hosts': Flags.string({ summary: 'Without auth, Host names answered besides localhost and IP addresses (comma-separated; * any).', helpGroup: 'HTTP' }),
    'allowed-origins': Flags.string({ summary: 'Web origins that get CORS headers and may POST to the API (comma-separated; * any).', helpGroup: 'HTTP' }),
    'max-upload-size': Flags.string({ summary: 'Largest accepted bundle upload, in bytes (default 104857600).', helpGroup: 'HTTP' }),
    'max-proc': intFlag('Jobs running at once (default 0: CPUs × max-proc-per-cpu).'),
    'max-proc-per-cpu': intFlag('Jobs per CPU when max-proc is 0 (default 4).'),
    'jobs-to-keep': intFlag('Finished jobs per spider whose log and items files are kept (default 5).'),
    'finished-to-keep': intFlag('Finished jobs kept in the history (default 100).'),
    'cancel-timeout': intFlag('ms between cancel signals: the given one, then SIGTERM, then SIGKILL (default 10000).'),
    'eggs-dir': dirFlag('Where deployed versions are stored (default eggs).'),
    'logs-dir': dirFlag('Job logs, logs-dir/PROJECT/SPIDER/JOB.log (default logs; empty disables).'),
    'items-dir': dirFlag('Job items, items-dir/PROJECT/SPIDER/JOB.jl (default items; empty disables); may be an s3:// or ftp:// feed URI.'),
    'jobs-dir': dirFlag('When set, each job gets a JOBDIR here and resumes after a restart.'),
    'dbs-dir': dirFlag('The jobs database (default dbs).'),
  };

  async run(): Promise<void> {
    const { loadServerConfig } = await import('../server/config.js');
    const { startServer } = await import('../server/server.js');
    const f = this.flags;
    const flags: Record<string, string | boolean | undefined> = {
      bind_address: f['bind-address'],
      http_port: f['http-port'],
      username: f.username,
      password: f.password,
      node_name: f['node-name'],
      debug: f.debug,
      error_status_codes: f['error-status-codes'],
      max_upload_size: f['max-upload-size'],
      allowed_hosts: f['allowed-hosts'],
      allowed_origins: f['allowed-origins'],
      max_proc: f['max-proc'],
      max_proc_per_cpu: f['max-proc-per-cpu'],
      jobs_to_keep: f['jobs-to-keep'],
      finished_to_keep: f['finished-to-keep'],
      cancel_timeout: f['cancel-timeout'],
      eggs_dir: f['eggs-dir'],
      logs_dir: f['logs-dir'],
      items_dir: f['items-dir'],
      jobs_dir: f['jobs-dir'],
      dbs_dir: f['dbs-dir'],
    };
    const { config, files, warnings } = loadServerConfig({ flags });
    for (const w of warnings) this.warn(w);
    const quiet = f.nolog === true;
    const log = (msg: string) => {
      if (!quiet) process.stderr.write(`${new Date().toISOString()} [server] ${msg}\n`);
    };
    if (files.length) log(`Config read from ${files.join(', ')}`);
    const server = await startServer({ config, insecure: f.insecure, log });
    this.log(`tscrapy server listening on ${server.url} (max_proc ${server.scheduler.maxProc}, data in ${config.eggs_dir})`);
    await new Promise<void>((resolve) => {
      const stop = (sig: string) => {
        log(`${sig} received: stopping (running jobs are asked to stop; pending jobs stay queued)`);
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void server.close().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    log('stopped');
  }
}
