#!/usr/bin/env node
'use strict';
// End-to-end test of server.js against client.js (node-ipc against node-ipc), so a failure of the
// C# interop tests can be told apart from a broken driver. Exit code 0 = pass. About 5-10 s.

const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');

const children = [];

class Proc {
  constructor(script, args) {
    this.events = [];
    this.waiters = [];
    this.child = spawn(process.execPath, [path.join(__dirname, script), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(this.child);
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => {
      if (process.env.SELFTEST_DEBUG) process.stderr.write(`${script} ${line}\n`);
      const e = JSON.parse(line);
      if (e.event === 'fatal' || e.event === 'cmdError') fail(`${script}: ${line}`);
      this.events.push(e);
      for (const w of this.waiters.slice()) w();
    });
  }

  send(cmd) {
    this.child.stdin.write(`${JSON.stringify(cmd)}\n`);
  }

  /** Waits for (and consumes) the first unconsumed event matching name/predicate. */
  wait(name, pred = () => true, timeoutMs = 10000) {
    return new Promise((resolve, reject) => {
      const find = () => {
        const i = this.events.findIndex((e) => e.event === name && pred(e));
        if (i < 0) return false;
        resolve(this.events.splice(i, 1)[0]);
        return true;
      };
      if (find()) return;
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`timed out waiting for ${name}; unconsumed: ${JSON.stringify(this.events.slice(-10))}`));
      }, timeoutMs);
      const w = () => {
        if (find()) {
          clearTimeout(timer);
          this.waiters.splice(this.waiters.indexOf(w), 1);
        }
      };
      this.waiters.push(w);
    });
  }

  async exit() {
    this.send({ cmd: 'exit' });
    await this.wait('exiting');
  }
}

function fail(message) {
  process.stdout.write(`FAIL ${message}\n`);
  for (const c of children) c.kill('SIGKILL');
  process.exit(1);
}

function assert(cond, message) {
  if (!cond) fail(message);
}

const uniq = () => `selftest${process.pid}x${Math.random().toString(36).slice(2, 8)}`;
let passed = 0;

async function world(serverArgs, clientArgsOf) {
  const server = new Proc('server.js', ['--world', ...serverArgs]);
  const listening = await server.wait('listening');
  const client = new Proc('client.js', clientArgsOf(listening));
  await client.wait(serverArgs.includes('--udp4') ? 'listening' : 'connect');
  client.send({ cmd: 'emit', type: 'message', data: 'hello' });
  const reply = await client.wait('msg');
  assert(reply.type === 'message' && reply.data === 'hello world!', `world reply ${JSON.stringify(reply)}`);
  await client.exit();
  await server.exit();
  passed++;
}

async function ordered(serverArgs, clientArgsOf, n) {
  const server = new Proc('server.js', ['--quiet', ...serverArgs]);
  const listening = await server.wait('listening');
  const client = new Proc('client.js', ['--quiet', ...clientArgsOf(listening)]);
  await client.wait('connect');
  const conn = await server.wait('connect');
  client.send({ cmd: 'emit', type: 'seq', data: 'c{i}', count: n });
  server.send({ cmd: 'check', type: 'seq', count: n, prefix: 'c', waitMs: 10000 });
  const c1 = await server.wait('check');
  assert(c1.ok, `client->server ${JSON.stringify(c1)}`);
  server.send({ cmd: 'emit', socket: conn.socket, type: 'seq', data: 's{i}', count: n });
  client.send({ cmd: 'check', type: 'seq', count: n, prefix: 's', waitMs: 10000 });
  const c2 = await client.wait('check');
  assert(c2.ok, `server->client ${JSON.stringify(c2)}`);
  await client.exit();
  await server.exit();
  passed++;
}

(async () => {
  const kill = setTimeout(() => fail('selftest took longer than 60 s'), 60000);
  const id = uniq();
  await world(['--id', id], () => ['--id', id]);
  await world(['--tcp'], (l) => ['--tcp', '--port', String(l.port)]);
  await world(['--udp4'], (l) => ['--udp4', '--port', String(l.port)]);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodeipc-selftest-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  await world(['--tls-key', key, '--tls-cert', cert], (l) => ['--port', String(l.port), '--tls-ca', cert]);
  fs.rmSync(dir, { recursive: true, force: true });

  const id2 = uniq();
  await ordered(['--id', id2], () => ['--id', id2], 10000);
  await ordered(['--tcp'], (l) => ['--tcp', '--port', String(l.port)], 10000);

  // Broadcast reaches three clients.
  const id3 = uniq();
  const server = new Proc('server.js', ['--id', id3]);
  await server.wait('listening');
  const clients = [0, 1, 2].map(() => new Proc('client.js', ['--id', id3]));
  for (const cl of clients) await cl.wait('connect');
  for (let i = 0; i < 3; i++) await server.wait('connect');
  server.send({ cmd: 'broadcast', type: 'news', data: { n: 1 } });
  for (const cl of clients) {
    const m = await cl.wait('msg');
    assert(m.type === 'news' && m.data.n === 1, `broadcast ${JSON.stringify(m)}`);
  }
  for (const cl of clients) await cl.exit();
  await server.exit();
  passed++;

  // Reconnect after a server restart.
  const id4 = uniq();
  const srv = new Proc('server.js', ['--id', id4]);
  await srv.wait('listening');
  const cli = new Proc('client.js', ['--id', id4, '--retry', '50']);
  await cli.wait('connect');
  srv.send({ cmd: 'stop' });
  await srv.wait('stopped');
  await cli.wait('disconnect');
  srv.send({ cmd: 'start' });
  await srv.wait('listening');
  await cli.wait('connect');
  cli.send({ cmd: 'emit', type: 'back', data: 1 });
  const back = await srv.wait('msg');
  assert(back.type === 'back', `after restart ${JSON.stringify(back)}`);
  await cli.exit();
  await srv.exit();
  passed++;

  clearTimeout(kill);
  process.stdout.write(`${passed} passed, 0 failed\n`);
  process.exit(0);
})().catch((err) => fail(err.stack));
