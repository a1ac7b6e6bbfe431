#!/usr/bin/env node
'use strict';
// Wire probe for node-ipc 9.2.1: runs node-ipc against tiny raw listeners/clients (net, dgram)
// and prints what went over the wire as JSON lines (hex + text). This is the evidence behind
// README-NODEIPC.md; rerun it with `node probe.js [scenario...]` after any change to the pin.
// Only Unix sockets under /tmp and 127.0.0.1 are used.

const net = require('net');
const dgram = require('dgram');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { IPC } = require('node-ipc');

const t0 = Date.now();
const out = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const uniq = () => `probe${process.pid}x${Math.random().toString(36).slice(2, 8)}`;
const show = (buf) => ({ hex: Buffer.from(buf).toString('hex'), text: Buffer.from(buf).toString('latin1') });

// node-ipc's catch-all '*' subscription is broken on Node >= 10 (event-pubsub 4.3.0 picks its es5
// build when process.version[1] <= '5'), so every published event is observed by wrapping publish.
function tap(emitter, fn) {
  const publish = emitter.publish;
  emitter.publish = function tapped(type, ...args) {
    fn(type, ...args);
    return publish.call(this, type, ...args);
  };
}

function quietIpc(config = {}) {
  const ipc = new IPC();
  ipc.config.silent = true;
  Object.assign(ipc.config, config);
  return ipc;
}

// A raw Unix/TCP listener that records every chunk it gets.
function rawListener(listenArg) {
  return new Promise((resolve) => {
    const chunks = [];
    const conns = [];
    const server = net.createServer((s) => {
      conns.push(s);
      s.on('data', (d) => chunks.push({ ms: Date.now() - t0, ...show(d) }));
      s.on('error', () => {});
    });
    server.listen(listenArg, () => resolve({ server, chunks, conns }));
  });
}

const scenarios = {
  // What a node-ipc client sends: on connect, and for emits of various data values.
  async clientEmit() {
    const id = uniq();
    const sock = `/tmp/app.${id}`;
    const raw = await rawListener(sock);
    const ipc = quietIpc();
    await new Promise((resolve) => ipc.connectTo(id, () => ipc.of[id].on('connect', resolve)));
    await sleep(150);
    out({ scenario: 'clientEmit', step: 'afterConnect', chunks: raw.chunks.splice(0) });
    const cases = [
      ['message', 'hello'],
      ['noData'],
      ['undef', undefined],
      ['null', null],
      ['emptyString', ''],
      ['zero', 0],
      ['false', false],
      ['true', true],
      ['num', 1.5],
      ['obj', { b: 1, a: [1, 'x'], id: 'c1' }],
      ['unicode', 'é€😀\f\n"\\\u2028'],
    ];
    for (const [type, ...data] of cases) {
      if (data.length === 0) ipc.of[id].emit(type);
      else ipc.of[id].emit(type, data[0]);
      await sleep(30);
      out({ scenario: 'clientEmit', type, data: data.length ? String(data[0]) : '(none)', chunks: raw.chunks.splice(0) });
    }
    ipc.disconnect(id);
    raw.server.close();
  },

  // What a node-ipc server sends: on connect, emit to a socket, broadcast to two raw clients.
  async serverEmit() {
    const id = uniq();
    const ipc = quietIpc({ id });
    const events = [];
    await new Promise((resolve) => {
      ipc.serve(() => {
        ipc.server.on('connect', () => events.push('connect'));
        ipc.server.on('ping', (data, socket) => {
          ipc.server.emit(socket, 'pong', data);
          ipc.server.broadcast('all', { n: 1 });
        });
        resolve();
      });
      ipc.server.start();
    });
    const sockPath = `/tmp/app.${id}`;
    const got = [[], []];
    const clients = await Promise.all([0, 1].map((i) => new Promise((resolve) => {
      const c = net.connect(sockPath, () => resolve(c));
      c.on('data', (d) => got[i].push(show(d)));
    })));
    await sleep(150);
    out({ scenario: 'serverEmit', step: 'afterConnect', got0: got[0].splice(0), got1: got[1].splice(0), events });
    clients[0].write('{"type":"ping","data":"p"}\f');
    await sleep(150);
    out({ scenario: 'serverEmit', step: 'afterPing', got0: got[0].splice(0), got1: got[1].splice(0), sockets: ipc.server.sockets.length });
    clients.forEach((c) => c.destroy());
    await sleep(100);
    ipc.server.stop();
  },

  // How a node-ipc server reacts to malformed and oddly split input from a raw client.
  async malformed() {
    const id = uniq();
    const ipc = quietIpc({ id });
    const seen = [];
    await new Promise((resolve) => {
      ipc.serve(() => {
        tap(ipc.server, (type, data, socket) => {
          if (type === 'connect' || type === 'start') { seen.push({ type }); return; }
          let d;
          try { d = JSON.stringify(data, (k, v) => (v instanceof Error ? `Error: ${v.message}` : v)); } catch (e) { d = String(data); }
          seen.push({ type: String(type), data: d, sockId: socket && socket.id });
        });
        resolve();
      });
      ipc.server.start();
    });
    const c = await new Promise((resolve) => { const s = net.connect(`/tmp/app.${id}`, () => resolve(s)); });
    let closed = false;
    c.on('close', () => { closed = true; });
    const steps = [
      ['notJson', 'not json\f'],
      ['jsonNull', 'null\f'],
      ['jsonNumber', '123\f'],
      ['jsonArray', '[1,2]\f'],
      ['noData', '{"type":"m"}\f'],
      ['noType', '{"data":1}\f'],
      ['extraFields', '{"data":2,"type":"m","x":3}\f'],
      ['typeNumber', '{"type":7,"data":3}\f'],
      ['emptyFrame', '\f'],
      ['twoInOne', '{"type":"m","data":"a"}\f{"type":"m","data":"b"}\f'],
      ['partialNoDelim', '{"type":"m","data":"c"}'],
      ['completeIt', '\f'],
      ['msgPlusPartial', '{"type":"m","data":"d"}\f{"type":"m","da'],
      ['restOfPartial', 'ta":"e"}\f'],
      ['setsId', '{"type":"m","data":{"id":"client-7"}}\f'],
      ['spoofClose', '{"type":"close","data":{}}\f'],
      ['crlf', '{"type":"m","data":"f"}\r\n'],
      ['afterCrlf', '{"type":"m","data":"g"}\f'],
    ];
    for (const [step, text] of steps) {
      c.write(text);
      await sleep(60);
      out({ scenario: 'malformed', step, sent: JSON.stringify(text), seen: seen.splice(0), closed, sockets: ipc.server.sockets.length });
    }
    c.destroy();
    await sleep(50);
    ipc.server.stop();
  },

  // What a node-ipc client does with malformed input from a raw server.
  async clientMalformed() {
    const id = uniq();
    const sock = `/tmp/app.${id}`;
    const raw = await rawListener(sock);
    const ipc = quietIpc();
    const seen = [];
    await new Promise((resolve) => ipc.connectTo(id, () => {
      ipc.of[id].on('connect', resolve);
      tap(ipc.of[id], (type, data) => {
        if (type === 'connect') return;
        let d;
        try { d = JSON.stringify(data, (k, v) => (v instanceof Error ? `Error: ${v.message}` : v)); } catch (e) { d = String(data); }
        seen.push({ type: String(type), data: d });
      });
    }));
    await sleep(50);
    const s = raw.conns[0];
    const steps = [
      ['notJson', 'garbage\f'],
      ['ok', '{"type":"m","data":1}\f'],
      ['partial', '{"type":"m","data":2}\f{"type":"m"'],
      ['rest', ',"data":3}\f'],
    ];
    for (const [step, text] of steps) {
      s.write(text);
      await sleep(60);
      out({ scenario: 'clientMalformed', step, sent: JSON.stringify(text), seen: seen.splice(0) });
    }
    ipc.disconnect(id);
    raw.server.close();
  },

  // Does server.stop() drop connected clients? What does the client see?
  async serverStop() {
    const id = uniq();
    const ipc = quietIpc({ id });
    await new Promise((resolve) => { ipc.serve(resolve); ipc.server.start(); });
    const cli = quietIpc({ retry: 100, maxRetries: 2 });
    const ev = [];
    await new Promise((resolve) => cli.connectTo(id, () => {
      const c = cli.of[id];
      c.on('connect', () => { ev.push({ e: 'connect', ms: Date.now() - t0 }); resolve(); });
      c.on('disconnect', () => ev.push({ e: 'disconnect', ms: Date.now() - t0 }));
      c.on('destroy', () => ev.push({ e: 'destroy', ms: Date.now() - t0 }));
      c.on('error', (err) => ev.push({ e: 'error', code: err.code, ms: Date.now() - t0 }));
    }));
    ipc.server.stop();
    await sleep(300);
    out({ scenario: 'serverStop', step: 'afterStop', clientEvents: ev.splice(0), socketFileExists: fs.existsSync(`/tmp/app.${id}`), serverSockets: ipc.server.sockets.length });
    ipc.server.sockets.forEach((s) => s.destroy());
    await sleep(600);
    out({ scenario: 'serverStop', step: 'afterDestroyingSockets', clientEvents: ev.splice(0) });
    cli.disconnect(id);
  },

  // Retry timing of a client whose server is missing, for several retry settings.
  async retry() {
    const settings = [
      { retry: 100, maxRetries: 3 },
      { retry: 100, maxRetries: 0 },
      { retry: 100, stopRetrying: true },
      { retry: 100, maxRetries: false },
    ];
    for (const cfg of settings) {
      const id = uniq();
      const cli = quietIpc(cfg);
      const start = Date.now();
      const ev = [];
      cli.connectTo(id, () => {
        const c = cli.of[id];
        c.on('connect', () => ev.push(['connect', Date.now() - start]));
        c.on('disconnect', () => ev.push(['disconnect', Date.now() - start]));
        c.on('destroy', () => ev.push(['destroy', Date.now() - start]));
        c.on('error', (err) => ev.push([`error:${err.code}`, Date.now() - start]));
      });
      await sleep(cfg.maxRetries === false ? 350 : 600);
      out({ scenario: 'retry', config: JSON.stringify(cfg), events: ev });
      cli.disconnect(id);
    }
    // Reconnect after a server restart, and that maxRetries resets on connect.
    const id = uniq();
    const srv = quietIpc({ id });
    await new Promise((resolve) => { srv.serve(resolve); srv.server.start(); });
    const cli = quietIpc({ retry: 100, maxRetries: 2 });
    const start = Date.now();
    const ev = [];
    await new Promise((resolve) => cli.connectTo(id, () => {
      const c = cli.of[id];
      c.on('connect', () => { ev.push(['connect', Date.now() - start]); resolve(); });
      c.on('disconnect', () => ev.push(['disconnect', Date.now() - start]));
      c.on('destroy', () => ev.push(['destroy', Date.now() - start]));
      c.on('error', (err) => ev.push([`error:${err.code}`, Date.now() - start]));
    }));
    srv.server.stop();
    srv.server.sockets.forEach((s) => s.destroy());
    await sleep(150);
    const srv2 = quietIpc({ id });
    await new Promise((resolve) => { srv2.serve(resolve); srv2.server.start(); });
    await sleep(300);
    srv2.server.stop();
    srv2.server.sockets.forEach((s) => s.destroy());
    await sleep(500);
    out({ scenario: 'retry', config: 'restart {retry:100,maxRetries:2}', events: ev });
    cli.disconnect(id);
  },

  // UDP: datagram bytes, reply addressing, broadcast, partial datagrams.
  async udp() {
    const srv = quietIpc({ id: 'udpworld', networkPort: 0 });
    const seen = [];
    let port = 0;
    await new Promise((resolve) => {
      srv.serveNet('127.0.0.1', 47123, 'udp4', (info) => {
        port = info.port;
        srv.server.on('message', (data, socket) => {
          seen.push({ data, socket });
          srv.server.emit(socket, 'message', `${data} world!`);
          srv.server.broadcast('bcast', 1);
        });
        resolve();
      });
      srv.server.start();
    });
    await sleep(100);
    const raw = dgram.createSocket('udp4');
    const got = [];
    raw.on('message', (m, r) => got.push({ from: `${r.address}:${r.port}`, ...show(m) }));
    await new Promise((r) => raw.bind(0, '127.0.0.1', r));
    const send = (text) => new Promise((r) => raw.send(Buffer.from(text), port, '127.0.0.1', r));
    await send('{"type":"message","data":"hello"}\f');
    await sleep(100);
    out({ scenario: 'udp', step: 'oneMessage', rawPort: raw.address().port, serverSawSocket: seen.map((s) => s.socket), got: got.splice(0), sockets: srv.server.sockets.length });
    seen.length = 0;
    await send('{"type":"message","data":"a"}\f{"type":"message","data":"b"}\f');
    await sleep(100);
    out({ scenario: 'udp', step: 'twoInOneDatagram', serverSaw: seen.map((s) => s.data), got: got.splice(0) });
    seen.length = 0;
    await send('{"type":"message","data":"c"}');
    await send('\f');
    await sleep(100);
    out({ scenario: 'udp', step: 'splitAcrossDatagrams', serverSaw: seen.map((s) => s.data), got: got.splice(0) });
    // A node-ipc UDP "client" is another UDP server that emits to {address, port}.
    const cli = quietIpc({ id: 'udphello' });
    const cliSeen = [];
    await new Promise((resolve) => {
      cli.serveNet('127.0.0.1', 47124, 'udp4', () => {
        cli.server.on('message', (data, socket) => cliSeen.push({ data, socket }));
        resolve();
      });
      cli.server.start();
    });
    await sleep(100);
    cli.server.emit({ address: '127.0.0.1', port }, 'message', 'from-node-ipc');
    await sleep(150);
    out({ scenario: 'udp', step: 'nodeIpcToNodeIpc', serverSaw: seen.map((s) => s.data), clientSaw: cliSeen });
    cli.server.emit({}, 'noAddress', 1);
    await sleep(100);
    out({ scenario: 'udp', step: 'emitWithoutAddress', got: got.splice(0) });
    raw.close();
    srv.server.stop();
    cli.server.stop();
  },

  // rawBuffer: bytes for utf8 and hex encodings; what the receiver gets.
  async rawBuffer() {
    for (const encoding of ['utf8', 'hex']) {
      const id = uniq();
      const srv = quietIpc({ id, rawBuffer: true, encoding });
      const serverData = [];
      await new Promise((resolve) => {
        srv.serve(() => {
          srv.server.on('data', (buf, socket) => {
            serverData.push(show(buf));
            srv.server.emit(socket, encoding === 'hex' ? 'ff00aa' : 'reply\u00e9');
          });
          resolve();
        });
        srv.server.start();
      });
      const got = [];
      const c = await new Promise((resolve) => {
        const s = net.connect(`/tmp/app.${id}`, () => resolve(s));
        s.on('data', (d) => got.push(show(d)));
      });
      c.write(Buffer.from([0x00, 0xff, 0x0c, 0x41]));
      await sleep(100);
      // node-ipc rawBuffer client towards a raw listener.
      const lid = uniq();
      const raw = await rawListener(`/tmp/app.${lid}`);
      const cli = quietIpc({ rawBuffer: true, encoding });
      const cliData = [];
      await new Promise((resolve) => cli.connectTo(lid, () => {
        cli.of[lid].on('connect', resolve);
        cli.of[lid].on('data', (b) => cliData.push(show(b)));
      }));
      cli.of[lid].emit(encoding === 'hex' ? '0a141e' : 'abc\f');
      cli.of[lid].emit(encoding === 'hex' ? [10, 20] : [0x41, 0x42]);
      await sleep(100);
      raw.conns[0].write(Buffer.from([0xc3, 0x28, 0x0c]));
      await sleep(100);
      out({ scenario: 'rawBuffer', encoding, serverGotFromRaw: serverData, rawGotFromServer: got, rawListenerGotFromClient: raw.chunks.splice(0), clientGotFromRaw: cliData });
      c.destroy();
      cli.disconnect(lid);
      raw.server.close();
      srv.server.stop();
    }
  },

  // sync mode: the client holds emits until it receives data.
  async sync() {
    const id = uniq();
    const raw = await rawListener(`/tmp/app.${id}`);
    const cli = quietIpc({ sync: true });
    await new Promise((resolve) => cli.connectTo(id, () => cli.of[id].on('connect', resolve)));
    cli.of[id].emit('a', 1);
    cli.of[id].emit('b', 2);
    cli.of[id].emit('c', 3);
    await sleep(100);
    const first = raw.chunks.splice(0);
    raw.conns[0].write('{"type":"ack","data":1}\f');
    await sleep(100);
    const second = raw.chunks.splice(0);
    raw.conns[0].write('{"type":"ack","data":2}\f');
    await sleep(100);
    out({ scenario: 'sync', beforeAnyReply: first, afterOneReply: second, afterTwoReplies: raw.chunks.splice(0) });
    cli.disconnect(id);
    raw.server.close();
  },

  // Defaults: id, paths, host, port.
  async defaults() {
    const ipc = new IPC();
    const c = ipc.config;
    out({
      scenario: 'defaults', hostname: os.hostname(), id: c.id, appspace: c.appspace, socketRoot: c.socketRoot,
      encoding: c.encoding, rawBuffer: c.rawBuffer, delimiter: JSON.stringify(c.delimiter), sync: c.sync, unlink: c.unlink,
      silent: c.silent, maxConnections: c.maxConnections, retry: c.retry, maxRetries: String(c.maxRetries), stopRetrying: c.stopRetrying,
      IPType: c.IPType, tls: c.tls, networkHost: c.networkHost, networkPort: c.networkPort, readableAll: c.readableAll, writableAll: c.writableAll,
    });
    // Socket file mode created by serve().
    const id = uniq();
    const srv = quietIpc({ id });
    await new Promise((resolve) => { srv.serve(resolve); srv.server.start(); });
    const st = fs.statSync(`/tmp/app.${id}`);
    // A stale regular file at the path is unlinked by start() (unlink: true).
    srv.server.stop();
    await sleep(50);
    const id2 = uniq();
    fs.writeFileSync(`/tmp/app.${id2}`, 'stale');
    const srv2 = quietIpc({ id: id2 });
    let started = false;
    await new Promise((resolve) => { srv2.serve(() => { started = true; resolve(); }); srv2.server.start(); setTimeout(resolve, 300); });
    out({ scenario: 'defaults', socketMode: (st.mode & 0o777).toString(8), fileExistsAfterStop: fs.existsSync(`/tmp/app.${id}`), staleFileReplaced: started });
    srv2.server.stop();
  },

  // TLS: keys of config.tls, default (shipped) certificates, a generated certificate.
  async tls() {
    const { execFileSync } = require('child_process');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodeipc-tls-'));
    const key = path.join(dir, 'server.key');
    const cert = path.join(dir, 'server.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
    const free = await new Promise((r) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
    const cases = [
      { name: 'generatedCert+trusted', server: { private: key, public: cert }, client: { trustedConnections: [cert] } },
      { name: 'defaultCerts+rejectUnauthorizedFalse', server: {}, client: { rejectUnauthorized: false } },
      { name: 'defaultCerts+strictClient', server: {}, client: { trustedConnections: [`${__dirname}/node_modules/node-ipc/local-node-ipc-certs/server.pub`] } },
      { name: 'generatedCert+clientTlsTrue', server: { private: key, public: cert }, client: true },
    ];
    try {
      await tlsCases(cases, free);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },

  // TCP port 0 is replaced by the default port 8000.
  async tcpPortZero() {
    const srv = quietIpc({ id: 'zero' });
    srv.serveNet('127.0.0.1', 0, () => {});
    out({ scenario: 'tcpPortZero', serverPath: srv.server.path, serverPort: srv.server.port });
  },
};

async function tlsCases(cases, free) {
    for (const tc of cases) {
      const srv = quietIpc({ id: 'tlsworld', tls: tc.server });
      const ev = [];
      await new Promise((resolve) => {
        srv.serveNet('127.0.0.1', free, () => {
          srv.server.on('message', (data, socket) => srv.server.emit(socket, 'message', `${data} world!`));
          srv.server.on('error', (e) => ev.push(`server error ${e.code || e.message}`));
          resolve();
        });
        srv.server.start();
      });
      const cli = quietIpc({ tls: tc.client, maxRetries: 0 });
      await new Promise((resolve) => {
        try {
          cli.connectToNet('tlsworld', '127.0.0.1', free, () => {
          const c = cli.of.tlsworld;
          c.on('connect', () => { ev.push('connect'); c.emit('message', 'hello'); });
          c.on('message', (d) => { ev.push(`message ${d}`); resolve(); });
          c.on('error', (e) => ev.push(`client error ${e.code || e.message}`));
          c.on('destroy', () => { ev.push('destroy'); resolve(); });
          });
        } catch (err) {
          ev.push(`connectToNet threw: ${err.message}`);
        }
        setTimeout(resolve, 1500);
      });
      out({ scenario: 'tls', case: tc.name, events: ev, clientTlsAfter: typeof cli.config.tls === 'object' ? Object.keys(cli.config.tls) : cli.config.tls });
      cli.disconnect('tlsworld');
      srv.server.stop();
      srv.server.sockets.forEach((s) => s.destroy());
      await sleep(50);
    }
}

Object.assign(scenarios, {

  // Large message split over many chunks.
  async large() {
    const id = uniq();
    const ipc = quietIpc({ id });
    const sizes = [];
    await new Promise((resolve) => {
      ipc.serve(() => { ipc.server.on('big', (d) => sizes.push(d.length)); resolve(); });
      ipc.server.start();
    });
    const cli = quietIpc();
    await new Promise((resolve) => cli.connectTo(id, () => cli.of[id].on('connect', resolve)));
    cli.of[id].emit('big', 'x'.repeat(4 * 1024 * 1024));
    for (let i = 0; i < 50 && sizes.length === 0; i++) await sleep(50);
    out({ scenario: 'large', received: sizes });
    cli.disconnect(id);
    ipc.server.stop();
  },

  // socket.disconnected on the server when a client goes away; what the handler gets.
  async socketDisconnected() {
    const id = uniq();
    const ipc = quietIpc({ id });
    const ev = [];
    await new Promise((resolve) => {
      ipc.serve(() => {
        ipc.server.on('socket.disconnected', (socket, destroyedId) => ev.push({ destroyedId, sockets: ipc.server.sockets.length }));
        resolve();
      });
      ipc.server.start();
    });
    const cli = quietIpc();
    await new Promise((resolve) => cli.connectTo(id, () => cli.of[id].on('connect', resolve)));
    cli.of[id].emit('hello', { id: 'my-client' });
    await sleep(50);
    cli.disconnect(id);
    await sleep(100);
    out({ scenario: 'socketDisconnected', events: ev });
    ipc.server.stop();
  },
});

// Remove the Unix socket files this probe created (raw listeners left with open connections).
process.on('exit', () => {
  for (const f of fs.readdirSync('/tmp')) {
    if (f.startsWith(`app.probe${process.pid}x`)) fs.rmSync(`/tmp/${f}`, { force: true });
  }
});

(async () => {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(scenarios);
  for (const name of names) {
    try {
      await scenarios[name]();
    } catch (err) {
      out({ scenario: name, error: String(err && err.stack) });
    }
  }
  process.exit(0);
})();
