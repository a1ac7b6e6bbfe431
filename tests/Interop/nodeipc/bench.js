#!/usr/bin/env node
'use strict';
// node-ipc 9.2.1 baseline for perf-results/ipc.md: a node-ipc server (child process) and a
// node-ipc client (this process) over a Unix socket under /tmp.
//   * throughput: the client emits N messages whose data is a D-character string (default 100),
//     the server counts them and answers "done" after the last; also server -> client the same way.
//   * round trip: one small message out, the server emits it back, sequentially; p50/p99/mean.
//   * each throughput direction first runs unmeasured rounds for at least --warmup-ms (default 1000),
//     so the JIT has settled (the C# side of perf-results/ipc.md warms up the same way).
// Prints one JSON result line on stdout. Bounded: gives up after --timeout-ms (default 120000).
// Usage: node bench.js [--messages N] [--size D] [--rtt N] [--warmup N] [--warmup-ms N] [--timeout-ms N]

const { fork } = require('child_process');
const os = require('os');
const { IPC } = require('node-ipc');

const args = process.argv.slice(2);
function arg(name, dflt) {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v < 0) {
    process.stderr.write(`--${name}: expected a non-negative integer\n`);
    process.exit(2);
  }
  return v;
}

// ------------------------------------------------------------------ server (child process)

if (args[0] === '--serve') {
  const id = args[1];
  const ipc = new IPC();
  ipc.config.silent = true;
  ipc.config.id = id;
  let received = 0;
  let expected = 0;
  ipc.serve(() => {
    ipc.server.on('expect', (n, socket) => {
      expected = n;
      received = 0;
      ipc.server.emit(socket, 'ready', n);
    });
    ipc.server.on('m', (data, socket) => {
      if (++received === expected) ipc.server.emit(socket, 'done', received);
    });
    ipc.server.on('ping', (data, socket) => ipc.server.emit(socket, 'pong', data));
    ipc.server.on('flood', (spec, socket) => {
      // Server -> client throughput: spec = {n, size}; honours back-pressure.
      const payload = 'y'.repeat(spec.size);
      let i = 0;
      const pump = () => {
        while (i < spec.n) {
          ipc.server.emit(socket, 'm', payload);
          i++;
          if (socket.writableNeedDrain) {
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    process.send({ listening: ipc.server.path });
  });
  ipc.server.start();
  // Close the listener (which removes the socket file) when the parent goes away.
  const quit = () => {
    ipc.server.stop();
    setImmediate(() => process.exit(0));
  };
  process.on('disconnect', quit);
  process.on('SIGTERM', quit);
  return;
}

// ------------------------------------------------------------------ client (this process)

const messages = arg('messages', 100000);
const size = arg('size', 100);
const rttCount = arg('rtt', 5000);
const warmup = arg('warmup', 500);
const warmupMs = arg('warmup-ms', 1000);
const timeoutMs = arg('timeout-ms', 120000);

const id = `nodeipcbench${process.pid}`;
const child = fork(__filename, ['--serve', id], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
const killTimer = setTimeout(() => {
  process.stdout.write(`${JSON.stringify({ bench: 'node-ipc', error: `timed out after ${timeoutMs} ms` })}\n`);
  child.kill('SIGKILL');
  process.exit(1);
}, timeoutMs);

function once(conn, type) {
  return new Promise((resolve) => {
    const h = (data) => {
      conn.off(type, h);
      resolve(data);
    };
    conn.on(type, h);
  });
}

function percentile(sorted, p) {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

child.on('message', async (msg) => {
  if (!msg.listening) return;
  const ipc = new IPC();
  ipc.config.silent = true;
  ipc.config.maxRetries = 0;
  ipc.connectTo(id, msg.listening);
  const conn = ipc.of[id];
  await once(conn, 'connect');
  const payload = 'x'.repeat(size);
  const frameBytes = Buffer.byteLength(JSON.stringify({ type: 'm', data: payload })) + 1;

  // Client -> server throughput.
  async function clientToServer(n) {
    conn.emit('expect', n);
    await once(conn, 'ready');
    const done = once(conn, 'done');
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      conn.emit('m', payload);
      if (conn.socket.writableNeedDrain) await new Promise((r) => conn.socket.once('drain', r));
    }
    await done;
    return Number(process.hrtime.bigint() - t0) / 1e9;
  }

  // Server -> client throughput.
  async function serverToClient(n) {
    let got = 0;
    let handler;
    const allIn = new Promise((resolve) => {
      handler = () => {
        if (++got === n) resolve();
      };
      conn.on('m', handler);
    });
    const t1 = process.hrtime.bigint();
    conn.emit('flood', { n, size });
    await allIn;
    conn.off('m', handler);
    return Number(process.hrtime.bigint() - t1) / 1e9;
  }

  // Unmeasured rounds of a fifth of the messages until warmupMs have passed.
  async function warmUp(run) {
    const until = process.hrtime.bigint() + BigInt(warmupMs) * 1000000n;
    do {
      await run(Math.max(1000, Math.floor(messages / 5)));
    } while (process.hrtime.bigint() < until);
  }

  await warmUp(clientToServer);
  const c2sSeconds = await clientToServer(messages);
  await warmUp(serverToClient);
  const s2cSeconds = await serverToClient(messages);

  // Round trips.
  const samples = [];
  for (let i = 0; i < warmup + rttCount; i++) {
    const pong = once(conn, 'pong');
    const s = process.hrtime.bigint();
    conn.emit('ping', i);
    await pong;
    if (i >= warmup) samples.push(Number(process.hrtime.bigint() - s) / 1000);
  }
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length);

  const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
  process.stdout.write(`${JSON.stringify({
    bench: 'node-ipc',
    version: require('node-ipc/package.json').version,
    node: process.version,
    cpus: os.cpus().length,
    transport: 'unix',
    processes: 'server child + client',
    messages,
    dataChars: size,
    frameBytes,
    clientToServer: { seconds: round(c2sSeconds, 3), msgsPerSec: Math.round(messages / c2sSeconds), MBps: round((messages * frameBytes) / c2sSeconds / 1e6, 2) },
    serverToClient: { seconds: round(s2cSeconds, 3), msgsPerSec: Math.round(messages / s2cSeconds), MBps: round((messages * frameBytes) / s2cSeconds / 1e6, 2) },
    warmupMs,
    rtt: { n: samples.length, warmup, p50us: round(percentile(samples, 50)), p99us: round(percentile(samples, 99)), meanUs: round(mean), maxUs: round(samples[samples.length - 1]) },
  })}\n`);
  clearTimeout(killTimer);
  ipc.disconnect(id);
  child.once('exit', () => process.exit(0));
  child.disconnect();
  setTimeout(() => {
    child.kill('SIGKILL');
    process.exit(0);
  }, 2000).unref();
});
