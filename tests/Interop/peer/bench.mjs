#!/usr/bin/env node
// Performance benchmark of @ethereumjs/devp2p on 127.0.0.1, and a bench/1 peer the C# side can
// measure against (scripts/bench-vs-ethereumjs runs both and writes perf-results/vs-ethereumjs.md).
//
//   node bench.mjs [driver options]
//       ethereumjs <-> ethereumjs. Starts responder processes (this file, `responder`) and measures
//       them from this process; prints one JSON object on stdout.
//   node bench.mjs responder (--listen | --dial ENODE)
//       Serves capability bench/1 (length 2): code 0 is a sink, code 1 is echoed back with the same
//       payload. Also runs a raw TCP echo server (plain socket, no framing). First stdout line:
//       {"event":"listening","enode":...,"rawPort":...}; exits when stdin closes.
//   node bench.mjs handshake-blocks
//       An ethereumjs driver with its own ethereumjs responders, for runs interleaved with ours
//       (bench -- vs-ethereumjs run): first stdout line {"event":"ready"}; then every stdin line
//       "N" (or "handshakes N") runs N sequential handshakes, and "throughput SIZE COUNT" one
//       throughput run of COUNT messages of SIZE bytes on a connection kept for that; each
//       prints its result as one JSON line.
//   node bench.mjs driver (--dial ENODE [--raw-port N] | --listen) [driver options]
//       Measures any bench/1 responder (ethereumjs or C#); with --listen it prints the listening
//       line first and waits for the responder to dial. Last stdout line: {"event":"result",...}.
//
// Driver options: --tests handshakes,throughput,rtt,raw  --handshakes N  --throughput SIZE:COUNT,...
//   --runs N (throughput repeats, median reported)  --rtt N  --rtt-warmup N  --timeout-ms N
//
// Every peer socket gets TCP_NODELAY: ethereumjs itself never calls setNoDelay and Node's net
// sockets default to Nagle on, which would put up to 40 ms delayed-ACK stalls into the round trips.
// Payloads are compressed with snappy iff the remote Hello version is >= 5, as ethereumjs's own
// ETH/SNAP protocols do; they are incompressible (xorshift), so snappy only adds work.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import net from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

import { DISCONNECT_REASON, RLPx, SNAP, genPrivateKey } from '@ethereumjs/devp2p'
import snappy from 'snappyjs'

import { makePayload } from './payload.mjs'

const SELF = fileURLToPath(import.meta.url)
const CAP = { name: 'bench', version: 1, length: 2 }
const CODE_SINK = 0
const CODE_ECHO = 1
const RTT_SIZE = 64
const SEED = 0xb3c4
// Pause the sender while this much is queued in the socket, instead of buffering a whole run in
// memory (ethereumjs ignores socket.write's return value); the C# side pauses at the same 1 MiB.
const SEND_QUEUE_LIMIT = 1024 * 1024
const STEP_TIMEOUT_MS = 20000

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const o = {
    mode: 'ejs',
    listen: false,
    dial: null,
    rawPort: null,
    tests: ['handshakes', 'throughput', 'rtt', 'raw'],
    handshakes: 200,
    throughput: [
      [1024, 5000],
      [65536, 200],
    ],
    runs: 3,
    rtt: 5000,
    rttWarmup: 1000,
    timeoutMs: 240000,
  }
  let i = 0
  if (['responder', 'driver', 'ejs', 'handshake-blocks'].includes(argv[0])) o.mode = argv[i++]
  const int = (name, v) => {
    if (v === undefined || !/^\d+$/.test(v)) throw new Error(`${name} needs a non-negative integer`)
    return Number(v)
  }
  for (; i < argv.length; i++) {
    const a = argv[i]
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`)
      return argv[++i]
    }
    switch (a) {
      case '--listen':
        o.listen = true
        break
      case '--dial':
        o.dial = parseEnode(next())
        break
      case '--raw-port':
        o.rawPort = int(a, next())
        break
      case '--tests':
        o.tests = next().split(',').filter((t) => t !== '')
        break
      case '--handshakes':
        o.handshakes = int(a, next())
        break
      case '--throughput':
        o.throughput = next()
          .split(',')
          .map((p) => p.split(':').map((n) => int(a, n)))
        break
      case '--runs':
        o.runs = Math.max(1, int(a, next()))
        break
      case '--rtt':
        o.rtt = Math.max(1, int(a, next()))
        break
      case '--rtt-warmup':
        o.rttWarmup = int(a, next())
        break
      case '--timeout-ms':
        o.timeoutMs = int(a, next())
        break
      default:
        throw new Error(`unknown argument ${a}`)
    }
  }
  return o
}

/** enode://<128 hex>@127.0.0.1:<port>; any other host is refused. */
function parseEnode(url) {
  const m = /^enode:\/\/([0-9a-fA-F]{128})@127\.0\.0\.1:(\d{1,5})$/.exec(url ?? '')
  if (!m) throw new Error(`expected enode://<128 hex>@127.0.0.1:<port>, got ${url}`)
  return { id: new Uint8Array(Buffer.from(m[1], 'hex')), address: '127.0.0.1', tcpPort: Number(m[2]) }
}

function packageVersion(name) {
  const file = new URL(`./node_modules/${name}/package.json`, import.meta.url)
  return JSON.parse(readFileSync(file, 'utf8')).version
}

const emit = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`)
const nowNs = () => process.hrtime.bigint()
const secondsSince = (t0) => Number(nowNs() - t0) / 1e9

function withTimeout(promise, what, ms = STEP_TIMEOUT_MS) {
  let timer
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no progress within ${ms} ms`)), ms)
  })
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer))
}

// ---------------------------------------------------------------- the ethereumjs node

const ProtocolBase = Object.getPrototypeOf(SNAP)
let role = 'driver'

/** The bench/1 capability: the responder sinks code 0 and echoes code 1; the driver hands code 1 to a waiter. */
class BenchCapability extends ProtocolBase {
  constructor(version, peer, send) {
    super(peer, send, CAP.name, version, {})
    // The base class disconnects after 5 s without a STATUS message; bench/1 has none.
    clearTimeout(this._statusTimeoutId)
    this._statusTimeoutId = undefined
    this.compress = false
    this.waiter = null
    this.received = 0
    peer._bench = this
  }

  _handleMessage(code, data) {
    if (code === CODE_SINK) {
      this.received++
      return
    }
    if (role === 'responder') {
      this.send(CODE_ECHO, data)
      return
    }
    const w = this.waiter
    this.waiter = null
    if (w !== null) w(data)
  }

  send(code, bytes) {
    this._send(code, this.compress ? snappy.compress(bytes) : bytes)
  }

  /** Resolves with the next code-1 payload. */
  nextEcho() {
    return new Promise((resolve) => {
      this.waiter = resolve
    })
  }
}

function createNode(listenPort) {
  const rlpx = new RLPx(genPrivateKey(), {
    capabilities: [{ ...CAP, constructor: BenchCapability }],
    maxPeers: 50,
    listenPort: null,
    dpt: null,
  })
  const onConnect = rlpx._onConnect.bind(rlpx)
  rlpx._onConnect = (socket, peerId) => {
    socket.setNoDelay(true)
    rlpx.lastSocket = socket
    onConnect(socket, peerId)
  }
  rlpx.events.on('peer:added', (peer) => {
    const v = peer.getHelloMessage()?.protocolVersion ?? 0
    if (peer._bench !== undefined) peer._bench.compress = v >= 5
  })
  rlpx.events.on('peer:error', () => {})
  rlpx.events.on('error', (e) => {
    process.stderr.write(`bench.mjs: rlpx error ${e?.message ?? e}\n`)
  })
  const listening = once(rlpx.events, 'listening')
  rlpx.listen(listenPort, '127.0.0.1')
  return listening.then(() => {
    const port = rlpx._server.address().port
    rlpx._listenPort = port
    rlpx.enode = `enode://${Buffer.from(rlpx.id).toString('hex')}@127.0.0.1:${port}`
    return rlpx
  })
}

/** A peer that has completed the Hello exchange (the next one if several connect). */
function nextPeer(rlpx) {
  return once(rlpx.events, 'peer:added').then(([peer]) => peer)
}

// ---------------------------------------------------------------- responder

async function runResponder(o) {
  role = 'responder'
  const rlpx = await createNode(0)
  const raw = net.createServer((s) => {
    s.setNoDelay(true)
    s.on('data', (d) => s.write(d))
    s.on('error', () => {})
  })
  raw.listen(0, '127.0.0.1')
  await once(raw, 'listening')
  emit({ event: 'listening', enode: rlpx.enode, rawPort: raw.address().port })
  if (o.dial !== null) await rlpx.connect(o.dial)
  const rl = createInterface({ input: process.stdin })
  rl.on('close', () => process.exit(0))
}

// ---------------------------------------------------------------- measurements

function percentile(sorted, q) {
  const rank = Math.max(1, Math.ceil(q * sorted.length))
  return sorted[Math.min(rank, sorted.length) - 1]
}

function rttStats(samplesNs) {
  const us = Array.from(samplesNs, (n) => Number(n) / 1000).sort((a, b) => a - b)
  const mean = us.reduce((s, x) => s + x, 0) / us.length
  return {
    count: us.length,
    p50Us: percentile(us, 0.5),
    p90Us: percentile(us, 0.9),
    p99Us: percentile(us, 0.99),
    minUs: us[0],
    meanUs: mean,
  }
}

function median(values) {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.floor((s.length - 1) / 2)]
}

/**
 * One connection: TCP connect, RLPx auth/ack, Hello exchange, Disconnect, wait for the socket to
 * close. Adds the time to peer:added and the time from there to the closed socket to `ns`.
 */
async function handshakeOnce(rlpx, target, ns) {
  const t0 = nowNs()
  const added = nextPeer(rlpx)
  await rlpx.connect(target)
  const socket = rlpx.lastSocket
  const closed = once(socket, 'close')
  const peer = await withTimeout(Promise.race([added, closed.then(() => null)]), 'handshake')
  if (peer === null) return false
  const t1 = nowNs()
  peer.disconnect(DISCONNECT_REASON.CLIENT_QUITTING)
  await withTimeout(closed, 'close after Disconnect')
  ns[0] += t1 - t0
  ns[1] += nowNs() - t1
  return true
}

async function measureHandshakes(rlpx, target, count) {
  const warm = Math.max(5, Math.floor(count / 10))
  const ns = [0n, 0n]
  for (let i = 0; i < warm; i++) await handshakeOnce(rlpx, target, ns)
  ns[0] = 0n
  ns[1] = 0n
  let failures = 0
  const t0 = nowNs()
  for (let i = 0; i < count; i++) if (!(await handshakeOnce(rlpx, target, ns))) failures++
  const seconds = secondsSince(t0)
  const ok = Math.max(1, count - failures)
  return {
    count,
    failures,
    seconds,
    perSecond: (count - failures) / seconds,
    setupUs: Number(ns[0]) / 1000 / ok,
    closeUs: Number(ns[1]) / 1000 / ok,
  }
}

async function throughputOnce(peer, payload, count) {
  const proto = peer._bench
  const socket = peer._socket
  const fence = makePayload(SEED, 1, 8)
  const t0 = nowNs()
  for (let i = 0; i < count; i++) {
    proto.send(CODE_SINK, payload)
    if (socket.writableLength > SEND_QUEUE_LIMIT) await once(socket, 'drain')
  }
  // Messages arrive in order, so the echo of this fence means the responder has all of them.
  const echoed = proto.nextEcho()
  proto.send(CODE_ECHO, fence)
  await withTimeout(echoed, 'throughput fence')
  return secondsSince(t0)
}

async function measureThroughput(peer, size, count, runs) {
  const payload = makePayload(SEED, 0, size)
  await throughputOnce(peer, payload, Math.max(10, Math.floor(count / 5)))
  const seconds = []
  for (let r = 0; r < runs; r++) seconds.push(await throughputOnce(peer, payload, count))
  const s = median(seconds)
  return {
    size,
    messages: count,
    runs: seconds.map((x) => ({ seconds: x, mbPerSecond: (size * count) / x / 1e6 })),
    seconds: s,
    messagesPerSecond: count / s,
    mbPerSecond: (size * count) / s / 1e6,
  }
}

async function measureRtt(peer, count, warmup) {
  const proto = peer._bench
  const samples = new BigInt64Array(count)
  for (let i = 0; i < warmup + count; i++) {
    const payload = makePayload(SEED, i, RTT_SIZE)
    const t0 = nowNs()
    const echoed = proto.nextEcho()
    proto.send(CODE_ECHO, payload)
    const back = await withTimeout(echoed, 'rtt echo')
    const dt = nowNs() - t0
    if (back.length !== RTT_SIZE || back[0] !== payload[0] || back[RTT_SIZE - 1] !== payload[RTT_SIZE - 1]) {
      throw new Error('rtt: echo differs from what was sent')
    }
    if (i >= warmup) samples[i - warmup] = dt
  }
  return rttStats(samples)
}

async function measureRawRtt(port, count, warmup) {
  const socket = net.connect(port, '127.0.0.1')
  socket.setNoDelay(true)
  await once(socket, 'connect')
  let pending = 0
  let wake = null
  socket.on('data', (d) => {
    pending -= d.length
    if (pending <= 0 && wake !== null) {
      const w = wake
      wake = null
      w()
    }
  })
  const payload = makePayload(SEED, 7, RTT_SIZE)
  const samples = new BigInt64Array(count)
  for (let i = 0; i < warmup + count; i++) {
    const t0 = nowNs()
    const done = new Promise((resolve) => {
      wake = resolve
    })
    pending = RTT_SIZE
    socket.write(payload)
    await withTimeout(done, 'raw rtt echo')
    if (i >= warmup) samples[i - warmup] = nowNs() - t0
  }
  socket.destroy()
  return rttStats(samples)
}

/** Runs the selected tests against an already connected peer (and its dial target for handshakes). */
async function drive(o, rlpx, peer, target, rawPort) {
  const result = {}
  const has = (t) => o.tests.includes(t)
  if (has('throughput')) {
    result.throughput = []
    for (const [size, count] of o.throughput) result.throughput.push(await measureThroughput(peer, size, count, o.runs))
  }
  if (has('rtt')) result.rtt = await measureRtt(peer, o.rtt, o.rttWarmup)
  if (has('raw') && rawPort !== null) result.rawTcpRtt = await measureRawRtt(rawPort, o.rtt, o.rttWarmup)
  if (has('handshakes') && target !== null) {
    peer.disconnect(DISCONNECT_REASON.CLIENT_QUITTING)
    await withTimeout(once(peer._socket, 'close'), 'close before handshakes')
    result.handshakes = await measureHandshakes(rlpx, target, o.handshakes)
  }
  return result
}

async function runDriver(o) {
  role = 'driver'
  const rlpx = await createNode(0)
  let peer
  if (o.listen) {
    const added = nextPeer(rlpx)
    emit({ event: 'listening', enode: rlpx.enode })
    peer = await withTimeout(added, 'waiting for the responder to dial', 60000)
  } else {
    if (o.dial === null) throw new Error('driver needs --dial ENODE or --listen')
    const added = nextPeer(rlpx)
    await rlpx.connect(o.dial)
    peer = await withTimeout(added, 'dial')
  }
  const result = await drive(o, rlpx, peer, o.listen ? null : o.dial, o.rawPort)
  emit({ event: 'result', impl: 'ethereumjs', dialed: !o.listen, ...result })
  process.exit(0)
}

// ---------------------------------------------------------------- handshake blocks

/** See the header: blocks of sequential handshakes on request, so another process can interleave its own. */
async function runHandshakeBlocks() {
  role = 'driver'
  const rlpx = await createNode(0)
  const responder = await startResponder(['--listen'])
  const target = parseEnode(responder.info.enode)
  // Throughput runs keep one connection, to a second responder: ethereumjs refuses a second
  // connection to a node it is connected to, which the handshakes would be.
  let streamer = null
  let stream = null
  emit({ event: 'ready' })
  for await (const line of createInterface({ input: process.stdin })) {
    const words = line.trim().split(/\s+/)
    if (words[0] !== 'handshakes' && words[0] !== 'throughput') words.unshift('handshakes')
    const nums = words.slice(1).map(Number)
    if (nums.length === 0 || !nums.every((n) => Number.isInteger(n) && n > 0)) {
      emit({ event: 'error', message: `expected "handshakes N" or "throughput SIZE COUNT", got ${JSON.stringify(line)}` })
      continue
    }
    if (words[0] === 'throughput') {
      if (stream === null) {
        streamer = await startResponder(['--listen'])
        const added = nextPeer(rlpx)
        await rlpx.connect(parseEnode(streamer.info.enode))
        stream = await withTimeout(added, 'throughput dial')
      }
      const [size, count] = nums
      const seconds = await throughputOnce(stream, makePayload(SEED, 0, size), count)
      emit({ event: 'throughput', size, messages: count, seconds, mbPerSecond: (size * count) / seconds / 1e6 })
      continue
    }
    const count = nums[0]
    const ns = [0n, 0n]
    let failures = 0
    const t0 = nowNs()
    for (let i = 0; i < count; i++) if (!(await handshakeOnce(rlpx, target, ns))) failures++
    const seconds = secondsSince(t0)
    emit({ event: 'block', count, failures, seconds, setupTotalUs: Number(ns[0]) / 1000, closeTotalUs: Number(ns[1]) / 1000 })
  }
  responder.stop()
  streamer?.stop()
  process.exit(0)
}

// ---------------------------------------------------------------- ethereumjs <-> ethereumjs

async function startResponder(extra) {
  const child = spawn(process.execPath, [SELF, 'responder', ...extra], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout })
  const [first] = await withTimeout(once(lines, 'line'), 'responder start')
  const info = JSON.parse(first)
  return { child, info, stop: () => child.stdin.end() }
}

async function runEjs(o) {
  role = 'driver'
  const rlpx = await createNode(0)
  const out = {
    impl: 'ethereumjs',
    devp2p: `@ethereumjs/devp2p ${packageVersion('@ethereumjs/devp2p')}`,
    snappyjs: packageVersion('snappyjs'),
    node: process.version,
    layout: 'two processes (driver and responder), 127.0.0.1, TCP_NODELAY on every socket',
  }

  // Driver dials (initiator): throughput, RTT, raw TCP RTT, then sequential handshakes.
  const listener = await startResponder(['--listen'])
  const target = parseEnode(listener.info.enode)
  const added = nextPeer(rlpx)
  await rlpx.connect(target)
  const peer = await withTimeout(added, 'dial')
  const dialed = await drive(o, rlpx, peer, target, listener.info.rawPort)
  listener.stop()
  Object.assign(out, { handshakes: dialed.handshakes, throughput: dialed.throughput, rawTcpRtt: dialed.rawTcpRtt })
  out.rtt = { initiator: dialed.rtt }

  // Driver listens (recipient): the responder dials us; RTT only.
  if (o.tests.includes('rtt')) {
    const addedIn = nextPeer(rlpx)
    const dialer = await startResponder(['--dial', rlpx.enode])
    const inbound = await withTimeout(addedIn, 'responder dial')
    out.rtt.recipient = await measureRtt(inbound, o.rtt, o.rttWarmup)
    dialer.stop()
  }
  emit(out)
  process.exit(0)
}

// ---------------------------------------------------------------- main

let opts
try {
  opts = parseArgs(process.argv.slice(2))
} catch (e) {
  process.stderr.write(`bench.mjs: ${e.message}\n`)
  process.exit(2)
}
setTimeout(() => {
  process.stderr.write(`bench.mjs: ${opts.mode} did not finish within ${opts.timeoutMs} ms\n`)
  process.exit(3)
}, opts.timeoutMs).unref()
const modes = { responder: runResponder, driver: runDriver, ejs: runEjs, 'handshake-blocks': runHandshakeBlocks }
const main = modes[opts.mode]
main(opts).catch((e) => {
  process.stderr.write(`bench.mjs: ${e?.stack ?? e}\n`)
  process.exit(1)
})
