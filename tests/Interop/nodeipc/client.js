#!/usr/bin/env node
'use strict';
// A node-ipc 9.2.1 client driven by JSON lines on stdin, reporting JSON lines on stdout.
// Unix socket (connectTo), TCP/TLS (connectToNet), or UDP (node-ipc has no UDP client: a UDP
// "client" is a second serveNet('udp4') server that emits to the target address).
// See README-NODEIPC.md ("Driver protocol") for the options, commands and events.

const fs = require('fs');
const { IPC } = require('node-ipc');
const {
  out, ms, fatal, parseArgs, checkLocalHost, freePort, dataMaker, Recorder, tap, describeError, describeBadMessage, commandLoop,
} = require('./common');

const USAGE = `usage: node client.js --id ID [--socket-root DIR] [--appspace S] [--path P]
  | --tcp [--host H] --port N [--tls-ca F | --tls-insecure]
  | --udp4|--udp6 [--host H] --port N
  [--retry MS] [--max-retries N|Infinity] [--stop-retrying] [--raw-buffer] [--encoding E] [--sync]
  [--record-max N] [--quiet] [--timeout-ms N] [--verbose]`;

const opts = parseArgs(process.argv.slice(2), {
  id: 'string', 'socket-root': 'string', appspace: 'string', path: 'string', tcp: 'flag', host: 'string', port: 'int',
  'tls-ca': 'string', 'tls-insecure': 'flag', udp4: 'flag', udp6: 'flag', retry: 'int', 'max-retries': 'string',
  'stop-retrying': 'flag', 'raw-buffer': 'flag', encoding: 'string', sync: 'flag', 'record-max': 'int', quiet: 'flag',
  'timeout-ms': 'int', verbose: 'flag',
}, USAGE);

const udpType = opts.udp4 ? 'udp4' : opts.udp6 ? 'udp6' : null;
const useTls = Boolean(opts['tls-ca'] || opts['tls-insecure']);
const network = Boolean(opts.tcp || udpType || useTls || opts.port !== undefined);
const host = opts.host || (opts.udp6 ? '::1' : '127.0.0.1');
const id = opts.id || 'world';
if (network) {
  checkLocalHost(host);
  if (!opts.port) fatal('--port is required for TCP, TLS and UDP');
}
if (useTls && udpType) fatal('TLS and UDP cannot be combined');

const recorder = new Recorder(opts['record-max'] === undefined ? 1000 : opts['record-max']);
const timeoutMs = opts['timeout-ms'] === undefined ? 120000 : opts['timeout-ms'];

const ipc = new IPC();
const c = ipc.config;
c.silent = !opts.verbose;
c.logger = (text) => process.stderr.write(`${text}\n`);
c.logInColor = false;
if (opts['socket-root']) c.socketRoot = opts['socket-root'];
if (opts.appspace !== undefined) c.appspace = opts.appspace;
if (opts.retry !== undefined) c.retry = opts.retry;
if (opts['max-retries'] !== undefined) {
  c.maxRetries = opts['max-retries'] === 'Infinity' ? Infinity : Number(opts['max-retries']);
  if (Number.isNaN(c.maxRetries)) fatal(`--max-retries: expected a number or Infinity, got ${opts['max-retries']}`);
}
if (opts['stop-retrying']) c.stopRetrying = true;
if (opts['raw-buffer']) c.rawBuffer = true;
if (opts.encoding) c.encoding = opts.encoding;
if (opts.sync) c.sync = true;
if (opts['tls-ca']) c.tls = { trustedConnections: [opts['tls-ca']] };
else if (opts['tls-insecure']) c.tls = { rejectUnauthorized: false };

let client = null; // ipc.of[id] (stream) or ipc.server (UDP)

function onMessage(type, data, rinfo) {
  if (type === 'error' && data && data.message === 'Invalid JSON response format') {
    out({ event: 'error', data: describeBadMessage(data), ms: ms() });
    return;
  }
  if (type === 'data' && opts['raw-buffer']) {
    const fields = recorder.add('data', data.toString('hex'));
    if (!opts.quiet) out({ event: 'msg', raw: true, ...fields, hex: data.toString('hex') });
    return;
  }
  const fields = recorder.add(type, data);
  const event = { event: 'msg', ...fields };
  if (rinfo) event.from = `${rinfo.address}:${rinfo.port}`;
  if (!opts.quiet) out(event);
}

// Lifecycle events are published with no argument (error: one Error); messages with their data.
function onClientPublished(type, args) {
  if ((type === 'connect' || type === 'disconnect' || type === 'destroy') && args.length === 0) {
    out({ event: type, ms: ms() });
    return;
  }
  if (type === 'error' && args[0] instanceof Error) {
    out({ event: 'error', ...describeError(args[0]), ms: ms() });
    return;
  }
  onMessage(type, args[0]);
}

function onUdpPublished(type, args) {
  // Lifecycle of our own dgram socket, not messages.
  if (type === 'start' || ((type === 'connect' || type === 'close') && args.length === 1)) return;
  if (type === 'socket.disconnected' && args.length === 2 && args[0] && typeof args[0].send === 'function') return;
  if (type === 'error' && args.length === 1) {
    out({ event: 'error', ...describeError(args[0]), ms: ms() });
    return;
  }
  onMessage(type, args[0], args[1]);
}

async function connect() {
  if (udpType) {
    // Our own UDP endpoint on a free port; messages go to host:port.
    const localPort = await freePort(host, true);
    await new Promise((resolve) => {
      ipc.serveNet(host, localPort, udpType, resolve);
      client = ipc.server;
      tap(client, onUdpPublished);
      client.start();
    });
    let bound = null;
    try {
      bound = client.server.address();
    } catch {
      // not bound yet
    }
    if (!bound) await new Promise((resolve) => client.server.once('listening', resolve));
    out({ event: 'listening', transport: udpType, host, port: localPort, target: `${host}:${opts.port}`, ms: ms() });
    return;
  }
  const setup = () => {
    client = ipc.of[id];
    tap(client, onClientPublished);
  };
  if (network) ipc.connectToNet(id, host, opts.port, setup);
  else ipc.connectTo(id, opts.path || undefined, setup);
  out({ event: 'connecting', id, path: network ? null : client.path, host: network ? host : null, port: network ? opts.port : null, ms: ms() });
}

function needsDrain() {
  return !udpType && client && client.socket && client.socket.writableNeedDrain;
}

function drain() {
  const s = client.socket;
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

function send(type, data) {
  if (udpType) client.emit({ address: host, port: opts.port }, type, data);
  else client.emit(type, data);
}

async function handle(cmd) {
  switch (cmd.cmd) {
    case 'emit': {
      if (!client) throw new Error('not connected (client destroyed or disconnected)');
      const make = dataMaker(cmd.data);
      const count = cmd.count || 1;
      for (let i = 0; i < count; i++) {
        if (opts['raw-buffer']) send(cmd.raw !== undefined ? cmd.raw : cmd.type);
        else send(cmd.type, make(i));
        if (needsDrain()) await drain();
      }
      out({ event: 'sent', count });
      return;
    }
    case 'emitRaw': {
      if (!client) throw new Error('not connected');
      const bytes = Buffer.from(cmd.hex, 'hex');
      if (udpType) client.server.send(bytes, opts.port, host);
      else client.socket.write(bytes);
      out({ event: 'sent', raw: true, size: bytes.length });
      return;
    }
    case 'check':
      out(await recorder.check(cmd));
      return;
    case 'stats':
      out({ event: 'stats', byType: recorder.counts(), retriesRemaining: client && !udpType ? client.retriesRemaining : null });
      return;
    case 'disconnect':
      if (udpType) client.stop();
      else ipc.disconnect(id);
      client = null;
      out({ event: 'disconnected', ms: ms() });
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
    if (udpType && client) client.stop();
    else if (client) ipc.disconnect(id);
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
  if (opts['tls-ca'] && !fs.existsSync(opts['tls-ca'])) fatal(`--tls-ca ${opts['tls-ca']} does not exist`);
  try {
    await connect();
  } catch (err) {
    fatal(`could not start: ${err && err.message}`);
  }
  commandLoop(handle, () => shutdown('stdin-eof'));
})();
