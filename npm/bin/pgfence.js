#!/usr/bin/env node
// The `pgfence` command of the npm package: runs the self-contained pgfence for this machine,
// vendor/linux-<arch>/bin/pgfence (the release tarball's contents: the binary with its own
// glibc and libraries, so any glibc or musl Linux of that architecture runs it), with the
// arguments, standard streams, exit code and signal passed through. Binaries are built for
// Linux x64 and arm64 only; anywhere else it prints one `error:` line and exits 2, as pgfence
// does for a usage error. No install script is involved: it works with --ignore-scripts.
'use strict';

const path = require('path');
const fs = require('fs');
const { spawn } = require('child_process');

const supported = { x64: 'linux-x64', arm64: 'linux-arm64' };

function fail(message) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

if (process.platform !== 'linux' || !supported[process.arch]) {
  fail(`the pgfence npm package has binaries for Linux x64 and arm64 only, not ${process.platform} ${process.arch}; ` +
       'see https://github.com/pgfence/action/blob/main/docs/install.md for the other ways to install pgfence');
}

const vendor = path.join(__dirname, '..', 'vendor', supported[process.arch]);
const program = path.join(vendor, 'bin', 'pgfence');
if (!fs.existsSync(program)) {
  fail(`this pgfence package has no binary for Linux ${process.arch} (${program} is missing); reinstall it`);
}

const child = spawn(program, process.argv.slice(2), { stdio: 'inherit' });

// A signal sent to this process (a CI runner's SIGTERM, a `kill`) goes to pgfence too; Ctrl-C
// reaches both already, as they share the terminal's process group.
const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
const forward = (signal) => { child.kill(signal); };
for (const signal of forwarded) process.on(signal, forward);

child.on('error', (err) => {
  fail(`cannot run ${program}: ${err.message}`);
});

child.on('exit', (code, signal) => {
  for (const s of forwarded) process.removeListener(s, forward);
  if (signal) {
    // Die of the same signal, so that the caller sees what pgfence saw.
    process.kill(process.pid, signal);
    // A signal whose default is not to terminate: the shell's convention.
    process.exit(128 + (require('os').constants.signals[signal] || 0));
  }
  process.exit(code === null ? 1 : code);
});
