#!/usr/bin/env node
'use strict';
// A node-ipc 9.2.1 server driven by JSON lines on stdin, reporting JSON lines on stdout.
// See README-NODEIPC.md ("Driver protocol") for the options, commands and events.

const fs = require('fs');
const { IPC } = require('node-ipc');
const {
  out, ms, fatal, parseArgs, checkLocalHost, freePort, dataMaker, Recorder, tap, describeError, describeBadMessage, commandLoop,
} = require('./common');

const USAGE = `usage: node server.js [--id ID] [--socket-root DIR] [--appspace S] [--path P]
  [--tcp] [--host H] [--port N] [--udp4|--udp6] [--tls-key F --tls-cert F] [--tls-default]
  [--echo] [--world] [--raw-buffer] [--encoding E] [--record-max N] [--quiet]
  [--timeout-ms N] [--verbose]`;

const opts = parseArgs(process.argv.slice(2), {
  id: 'string', 'socket-root': 'string', appspace: 'string', path: 'string', tcp: 'flag', host: 'string',
  port: 'int', udp4: 'flag', udp6: 'flag', 'tls-key': 'string', 'tls-cert': 'string', 'tls-default': 'flag',
  echo: 'flag', world: 'flag', 'raw-buffer': 'flag', encoding: 'string', 'record-max': 'int', quiet: 'flag',
  'timeout-ms': 'int', verbose: 'flag',
}, USAGE);

const udpType = opts.udp4 ? 'udp4' : opts.udp6 ? 'udp6' : null;
const useTls = Boolean(opts['tls-key'] || opts['tls-cert'] || opts['tls-default']);
const network = Boolean(opts.tcp || udpType || useTls || opts.port !== undefined || opts.host !== undefined);
const host = opts.host || (opts.udp6 ? '::1' : '127.0.0.1');
if (network) checkLocalHost(host);
if (useTls && udpType) fatal('TLS and UDP cannot be combined');
if (Boolean(opts['tls-key']) !== Boolean(opts['tls-cert'])) fatal('--tls-key and --tls-cert go together');

const recorder = new Recorder(opts['record-max'] === undefined ? 1000 : opts['record-max']);
const timeoutMs = opts['timeout-ms'] === undefined ? 120000 : opts['timeout-ms'];

let ipc = null;
let port = opts.port || 0;
let socketPath = null;
let nextSocket = 1;
let lastSocket = null;
const socketIds = new WeakMap(); // stream socket -> number
const udpIds = new Map(); // "address:port" -> number
const sockets = new Map(); // number -> socket (stream) or {address, port} (UDP)

function socketNumber(sock) {
  if (!sock) return null;
  if (udpType) {
    const key = `${sock.address}:${sock.port}`;
    let n = udpIds.get(key);
    if (n === undefined) {
      n = nextSocket++;
      udpIds.set(key, n);
      sockets.set(n, { address: sock.address, port: sock.port });
    }
    return n;
  }
  let n = socketIds.get(sock);
  if (n === undefined) {
    n = nextSocket++;
    socketIds.set(sock, n);
    sockets.set(n, sock);
  }
  return n;
}

// node-ipc publishes its lifecycle events with the same names a peer could use as a type; the
// argument count tells them apart: lifecycle events pass (socket[, id]), messages (data, socket).
function onPublished(server, type, args) {
  if (type === 'start') return;
  if (type === 'connect' && args.length === 1) {
    if (udpType) return; // the dgram socket itself
    const n = socketNumber(args[0]);
    lastSocket = n;
    out({ event: 'connect', socket: n, ms: ms() });
    return;
  }
  if (type === 'close' && args.length === 1) {
    // node-ipc passes Node's hadError flag here, not the socket; socket.disconnected follows.
    out({ event: 'close', hadError: args[0] === true, ms: ms() });
    return;
  }
  if (type === 'socket.disconnected' && args.length === 2 && args[0] && typeof args[0].write === 'function') {
    out({ event: 'socket.disconnected', socket: socketIds.get(args[0]) || null, destroyedId: args[1], ms: ms() });
    return;
  }
  if (type === 'error' && args.length === 1) {
    out({ event: 'serverError', ...describeError(args[0]), ms: ms() });
    return;
  }
  const [data, sock] = args;
  const n = socketNumber(sock);
  if (n !== null) lastSocket = n;
  if (type === 'error' && data && data.message === 'Invalid JSON response format') {
    out({ event: 'error', socket: n, data: describeBadMessage(data) });
    return;
  }
  if (type === 'data' && opts['raw-buffer']) {
    const fields = recorder.add('data', data.toString('hex'));
    if (!opts.quiet) out({ event: 'msg', socket: n, raw: true, ...fields, hex: data.toString('hex') });
    return;
  }
  const fields = recorder.add(type, data);
  const event = { event: 'msg', socket: n, ...fields };
  if (udpType && sock) event.from = `${sock.address}:${sock.port}`;
  if (!opts.quiet) out(event);
  if (opts.echo) server.emit(sock, type, data);
  if (opts.world && type === 'message') server.emit(sock, 'message', `${data} world!`);
}

async function startServer() {
  ipc = new IPC();
  const c = ipc.config;
  c.silent = !opts.verbose;
  c.logger = (text) => process.stderr.write(`${text}\n`);
  c.logInColor = false;
  if (opts.id) c.id = opts.id;
  if (opts['socket-root']) c.socketRoot = opts['socket-root'];
  if (opts.appspace !== undefined) c.appspace = opts.appspace;
  if (opts['raw-buffer']) c.rawBuffer = true;
  if (opts.encoding) c.encoding = opts.encoding;
  if (useTls) c.tls = opts['tls-default'] ? {} : { private: opts['tls-key'], public: opts['tls-cert'] };

  const ready = new Promise((resolve) => {
    const onStart = () => resolve();
    if (network) {
      if (udpType) ipc.serveNet(host, port, udpType, onStart);
      else ipc.serveNet(host, port, onStart);
    } else {
      ipc.serve(opts.path || undefined, onStart);
    }
  });
  socketPath = network ? null : ipc.server.path;
  const server = ipc.server;
  tap(server, (type, args) => onPublished(server, type, args));
  const failed = new Promise((resolve, reject) => {
    ipc.server.on('error', (err) => {
      if (err && (err.code === 'EADDRINUSE' || err.code === 'EACCES')) reject(err);
    });
  });
  ipc.server.start();
  await Promise.race([ready, failed]);
  if (udpType) {
    // The start callback runs right after bind(); wait for the socket to be listening.
    if (!ipc.server.server.address || !safeAddress(ipc.server.server)) {
      await Promise.race([new Promise((r) => ipc.server.server.once('listening', r)), failed]);
    }
  }
  out(network
    ? { event: 'listening', transport: udpType || (useTls ? 'tls' : 'tcp'), host, port, ms: ms() }
    : { event: 'listening', transport: 'unix', path: socketPath, ms: ms() });
}

function safeAddress(s) {
  try {
    return s.address();
  } catch {
    return null;
  }
}

function stopServer(keepClients) {
  if (!ipc) return;
  ipc.server.stop();
  if (!keepClients && !udpType) {
    for (const s of ipc.server.sockets) s.destroy();
  }
  ipc = null;
}

function targetSocket(which) {
  const n = which === undefined || which === 'last' ? lastSocket : which;
  const s = sockets.get(n);
  if (!s) throw new Error(`no socket ${JSON.stringify(which)} (known: ${[...sockets.keys()].join(',')})`);
  return s;
}

function needsDrain(s) {
  return s && typeof s.write === 'function' && s.writableNeedDrain;
}

function drain(s) {
  return new Promise((resolve) => {
    const done = () => {
      s.off('drain', done);
      s.off('close', done);
      resolve();
    };
    s.on('drain', done);
    s.on('close', done);
  });
}

async function handle(cmd) {
  switch (cmd.cmd) {
    case 'emit': {
      if (!ipc) throw new Error('server is stopped');
      const sock = targetSocket(cmd.socket);
      const make = dataMaker(cmd.data);
      const count = cmd.count || 1;
      for (let i = 0; i < count; i++) {
        if (opts['raw-buffer']) ipc.server.emit(sock, cmd.raw !== undefined ? cmd.raw : cmd.type);
        else ipc.server.emit(sock, cmd.type, make(i));
        if (needsDrain(sock)) await drain(sock);
      }
      out({ event: 'sent', k: count, socket: cmd.socket === undefined ? lastSocket : cmd.socket });
      return;
    }
    case 'broadcast': {
      if (!ipc) throw new Error('server is stopped');
      const make = dataMaker(cmd.data);
      const count = cmd.count || 1;
      for (let i = 0; i < count; i++) {
        ipc.server.broadcast(cmd.type, make(i));
        const blocked = ipc.server.sockets.filter(needsDrain);
        if (blocked.length) await Promise.all(blocked.map(drain));
      }
      out({ event: 'sent', k: count, broadcast: true, sockets: udpType ? 0 : ipc.server.sockets.length });
      return;
    }
    case 'emitRaw': {
      if (!ipc) throw new Error('server is stopped');
      const sock = targetSocket(cmd.socket);
      const bytes = Buffer.from(cmd.hex, 'hex');
      if (udpType) ipc.server.server.send(bytes, sock.port, sock.address);
      else sock.write(bytes);
      out({ event: 'sent', raw: true, size: bytes.length });
      return;
    }
    case 'check':
      out(await recorder.check(cmd));
      return;
    case 'stats':
      out({ event: 'stats', byType: recorder.counts(), sockets: ipc && !udpType ? ipc.server.sockets.length : 0 });
      return;
    case 'stop':
      stopServer(Boolean(cmd.keepClients));
      out({ event: 'stopped', keepClients: Boolean(cmd.keepClients), socketFileExists: socketPath ? fs.existsSync(socketPath) : null, ms: ms() });
      return;
    case 'start':
      if (ipc) throw new Error('server is already running');
      await startServer();
      return;
    case 'exit':
      shutdown('exit');
      return;
    default:
      throw new Error(`unknown command ${cmd.cmd}`);
  }
}

let exiting = false;
function shutdown(reason) {
  if (exiting) return;
  exiting = true;
  try {
    stopServer(false);
  } catch {
    // exiting anyway
  }
  out({ event: 'exiting', reason });
  setTimeout(() => process.exit(0), 20);
}

process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
setTimeout(() => shutdown('timeout'), timeoutMs).unref();

(async () => {
  try {
    if (network && !port) port = await freePort(host, Boolean(udpType));
    await startServer();
  } catch (err) {
    fatal(`could not start: ${err && err.message}`);
  }
  commandLoop(handle, () => shutdown('stdin-eof'));
})();
