'use strict';
// Shared plumbing of server.js and client.js: argv parsing, JSON-line output, the stdin command
// loop, message recording/checking and a free-port finder. Only 127.0.0.1/::1 and Unix sockets.

const net = require('net');
const dgram = require('dgram');
const readline = require('readline');

const started = Date.now();
let stdoutGone = false;

/** Writes one event object as a JSON line on stdout. */
function out(obj) {
  if (!stdoutGone) process.stdout.write(`${JSON.stringify(obj)}\n`);
}

process.stdout.on('error', () => {
  stdoutGone = true;
  process.exit(0);
});

/** Milliseconds since the process started (for lifecycle timing). */
function ms() {
  return Date.now() - started;
}

function fatal(message) {
  out({ event: 'fatal', message });
  process.exit(1);
}

/**
 * Parses `--name value` and `--flag` arguments. `spec` maps a name to 'string', 'int' or 'flag';
 * unknown options are fatal.
 */
function parseArgs(argv, spec, usage) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) fatal(`unexpected argument ${a}\n${usage}`);
    const name = a.slice(2);
    const kind = spec[name];
    if (!kind) fatal(`unknown option ${a}\n${usage}`);
    if (kind === 'flag') {
      o[name] = true;
      continue;
    }
    if (i + 1 >= argv.length) fatal(`${a} needs a value`);
    const v = argv[++i];
    if (kind === 'int') {
      if (!/^-?\d+$/.test(v)) fatal(`${a}: expected an integer, got ${v}`);
      o[name] = Number(v);
    } else {
      o[name] = v;
    }
  }
  return o;
}

/** Refuses any host that is not loopback. */
function checkLocalHost(host) {
  if (!['127.0.0.1', '::1', 'localhost'].includes(host)) {
    fatal(`host ${host} refused: only 127.0.0.1, ::1 or localhost are allowed`);
  }
}

/** Asks the OS for a free port on host (node-ipc maps port 0 to 8000, so it needs a real one). */
function freePort(host, udp) {
  return new Promise((resolve, reject) => {
    if (udp) {
      const s = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
      s.on('error', reject);
      s.bind(0, host, () => {
        const { port } = s.address();
        s.close(() => resolve(port));
      });
      return;
    }
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Returns a function i -> data for `count` copies of `data`, where every "{i}" inside strings is
 * replaced by the copy number.
 */
function dataMaker(data) {
  if (data === undefined) return () => undefined;
  const json = JSON.stringify(data);
  if (!json.includes('{i}')) return () => data;
  const parts = json.split('{i}');
  return (i) => JSON.parse(parts.join(String(i)));
}

/**
 * Keeps received messages per type: counts, the data of every message (up to keepMax per type,
 * for `check`), and decides whether a `msg` event line includes the data (first recordMax).
 */
class Recorder {
  constructor(recordMax, keepMax = 1000000) {
    this.recordMax = recordMax;
    this.keepMax = keepMax;
    this.total = 0;
    this.byType = new Map();
    this.waiters = [];
  }

  /** Records one message and returns the event fields (`type`, `n`, `data`?). */
  add(type, data) {
    const key = String(type);
    let entry = this.byType.get(key);
    if (!entry) {
      entry = { count: 0, data: [] };
      this.byType.set(key, entry);
    }
    const n = entry.count++;
    if (entry.data.length < this.keepMax) entry.data.push(data);
    const fields = { type: key, n };
    if (this.total++ < this.recordMax) fields.data = data === undefined ? null : data;
    if (data === undefined) fields.undefinedData = true;
    for (const w of this.waiters.slice()) w();
    return fields;
  }

  counts() {
    const o = {};
    for (const [k, v] of this.byType) o[k] = v.count;
    return o;
  }

  /**
   * Checks that exactly `count` messages of `type` arrived with data `prefix + i` in order (or,
   * without prefix, just the count); waits up to waitMs for the count to be reached.
   */
  check(cmd) {
    const type = String(cmd.type);
    const count = cmd.count;
    const waitMs = cmd.waitMs || 0;
    const evaluate = () => {
      const entry = this.byType.get(type) || { count: 0, data: [] };
      const result = { event: 'check', type, expected: count, count: entry.count, ok: entry.count === count };
      if (cmd.prefix !== undefined) {
        for (let i = 0; i < entry.data.length; i++) {
          const want = `${cmd.prefix}${i}`;
          if (entry.data[i] !== want) {
            result.ok = false;
            result.firstBad = { index: i, got: entry.data[i] === undefined ? null : entry.data[i], want };
            break;
          }
        }
        if (entry.data.length < entry.count) result.note = `only the first ${entry.data.length} data values are kept`;
      }
      return { result, reached: entry.count >= count };
    };
    return new Promise((resolve) => {
      const first = evaluate();
      if (first.reached || waitMs <= 0) {
        resolve(first.result);
        return;
      }
      let timer = null;
      const waiter = () => {
        const e = evaluate();
        if (e.reached) {
          clearTimeout(timer);
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          resolve(e.result);
        }
      };
      timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        resolve({ ...evaluate().result, timedOut: true });
      }, waitMs);
      this.waiters.push(waiter);
    });
  }
}

/**
 * Observes every event an event-pubsub emitter publishes. node-ipc's own on('*') is broken on
 * Node >= 10 (see README-NODEIPC.md), so this wraps `publish` (= `trigger`) instead.
 */
function tap(emitter, fn) {
  const publish = emitter.publish;
  const wrapped = function tapped(type, ...args) {
    fn(type, args);
    return publish.call(this, type, ...args);
  };
  emitter.publish = wrapped;
  emitter.trigger = wrapped;
}

/** Error objects as plain JSON-able fields. */
function describeError(err) {
  if (err instanceof Error) return { code: err.code || null, message: err.message };
  return { message: String(err) };
}

/** Malformed-input events carry {message, err, response}; this keeps them printable. */
function describeBadMessage(data) {
  return {
    message: data && data.message,
    err: data && data.err ? String(data.err.message || data.err) : null,
    response: data && data.response !== undefined ? data.response : null,
  };
}

/**
 * Runs the stdin command loop: each line is parsed as JSON and given to handle(cmd); errors are
 * reported as `cmdError` events. Calls onEnd when stdin closes.
 */
function commandLoop(handle, onEnd) {
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  let chain = Promise.resolve();
  rl.on('line', (line) => {
    if (!line.trim()) return;
    chain = chain.then(async () => {
      let cmd;
      try {
        cmd = JSON.parse(line);
      } catch (err) {
        out({ event: 'cmdError', message: `not JSON: ${err.message}`, line });
        return;
      }
      try {
        await handle(cmd);
      } catch (err) {
        out({ event: 'cmdError', cmd: cmd.cmd, message: String(err && err.stack ? err.stack : err) });
      }
    });
  });
  rl.on('close', () => chain.then(onEnd));
}

module.exports = {
  out, ms, fatal, parseArgs, checkLocalHost, freePort, dataMaker, Recorder, tap, describeError, describeBadMessage, commandLoop,
};
