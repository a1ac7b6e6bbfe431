#!/usr/bin/env node
// An @ethereumjs/devp2p RLPx node for interop tests, driven by argv and JSON lines on stdin,
// reporting JSON lines on stdout. See README-INTEROP.md for the full protocol.
// Only 127.0.0.1 is ever bound or dialed; no discovery is started.
import { randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline'

import {
  DISCONNECT_REASON,
  DisconnectReasonNames,
  Peer,
  RLPx,
  SNAP,
  genPrivateKey,
} from '@ethereumjs/devp2p'
import snappy from 'snappyjs'

import { makePayload, sha256Hex } from './payload.mjs'

// ---------------------------------------------------------------- output

let stdoutGone = false
function emit(obj) {
  if (!stdoutGone) process.stdout.write(`${JSON.stringify(obj)}\n`)
}
// If the harness stops reading (EPIPE), nobody is listening any more: shut down quietly.
process.stdout.on('error', () => {
  stdoutGone = true
  shutdown('stdout-closed', true)
})

function fatal(message) {
  emit({ event: 'fatal', message })
  process.exit(1)
}

const toHex = (bytes) => Buffer.from(bytes).toString('hex')

function fromHex(text, what) {
  if (typeof text !== 'string') throw new Error(`${what}: expected a hex string`)
  const clean = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new Error(`${what}: not an even-length hex string`)
  }
  return new Uint8Array(Buffer.from(clean, 'hex'))
}

// ---------------------------------------------------------------- arguments

const USAGE = `usage: node peer.mjs [--key HEX] [--listen PORT] [--dial ENODE] [--cap NAME/VER/LEN]...
  [--client-id STR] [--timeout-ms N] [--legacy-auth] [--accept-legacy] [--hello-port N]
  [--ping-timeout-ms N] [--no-auto-ping] [--echo] [--hex-max N] [--max-peers N]
  [--ignore-stdin-eof]`

function parseArgs(argv) {
  const o = {
    key: null,
    listen: 0,
    dial: null,
    caps: [],
    clientId: null,
    timeoutMs: 60000,
    legacyAuth: false,
    acceptLegacy: false,
    helloPort: null,
    pingTimeoutMs: 10000,
    autoPing: true,
    echo: false,
    hexMax: 64,
    maxPeers: 10,
    exitOnStdinEof: true,
  }
  const int = (name, v, min, max) => {
    if (v === undefined || !/^\d+$/.test(v)) fatal(`${name} needs a non-negative integer`)
    const n = Number(v)
    if (n < min || n > max) fatal(`${name} must be in [${min}, ${max}]`)
    return n
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const next = () => {
      if (i + 1 >= argv.length) fatal(`${a} needs a value`)
      return argv[++i]
    }
    switch (a) {
      case '--key':
        o.key = next()
        break
      case '--listen':
        o.listen = int(a, next(), 0, 65535)
        break
      case '--dial':
        o.dial = next()
        break
      case '--cap': {
        const v = next()
        const m = /^([A-Za-z0-9_-]{1,8})\/(\d+)\/(\d+)$/.exec(v)
        if (!m) fatal(`--cap expects name/version/length (name: 1-8 chars), got ${v}`)
        const version = Number(m[2])
        const length = Number(m[3])
        if (length < 1) fatal('--cap length must be >= 1')
        o.caps.push({ name: m[1], version, length })
        break
      }
      case '--client-id':
        o.clientId = next()
        break
      case '--timeout-ms':
        o.timeoutMs = int(a, next(), 1, 24 * 3600 * 1000)
        break
      case '--legacy-auth':
        o.legacyAuth = true
        break
      case '--accept-legacy':
        o.acceptLegacy = true
        break
      case '--hello-port':
        o.helloPort = int(a, next(), 0, 65535)
        break
      case '--ping-timeout-ms':
        o.pingTimeoutMs = int(a, next(), 1, 24 * 3600 * 1000)
        break
      case '--no-auto-ping':
        o.autoPing = false
        break
      case '--echo':
        o.echo = true
        break
      case '--hex-max':
        o.hexMax = int(a, next(), 0, 16 * 1024 * 1024)
        break
      case '--max-peers':
        o.maxPeers = int(a, next(), 1, 1000)
        break
      case '--ignore-stdin-eof':
        o.exitOnStdinEof = false
        break
      case '--help':
      case '-h':
        process.stderr.write(`${USAGE}\n`)
        process.exit(0)
        break
      default:
        fatal(`unknown argument ${a}\n${USAGE}`)
    }
  }
  if (o.caps.length === 0) o.caps.push({ name: 'bench', version: 1, length: 2 })
  return o
}

/** Parses enode://<128 hex>@127.0.0.1:<port>[?...]; any other host is refused. */
function parseEnode(url) {
  const m = /^enode:\/\/([0-9a-fA-F]{128})@([^:/?]+):(\d{1,5})(\?.*)?$/.exec(url ?? '')
  if (!m) throw new Error(`not an enode URL: ${url}`)
  if (m[2] !== '127.0.0.1') throw new Error(`refusing to dial ${m[2]}: only 127.0.0.1 is allowed`)
  const port = Number(m[3])
  if (port < 1 || port > 65535) throw new Error(`bad port in ${url}`)
  return { id: fromHex(m[1], 'enode id'), address: '127.0.0.1', tcpPort: port }
}

const opts = parseArgs(process.argv.slice(2))

let privateKey
if (opts.key !== null) {
  try {
    privateKey = fromHex(opts.key, '--key')
  } catch (e) {
    fatal(e.message)
  }
  if (privateKey.length !== 32) fatal('--key must be 32 bytes')
} else {
  privateKey = genPrivateKey()
}

let dialTarget = null
if (opts.dial !== null) {
  try {
    dialTarget = parseEnode(opts.dial)
  } catch (e) {
    fatal(e.message)
  }
}

// ---------------------------------------------------------------- peer bookkeeping

/** Per-peer state we keep beside ethereumjs's Peer object. */
const state = new WeakMap()
function st(peer) {
  let s = state.get(peer)
  if (s === undefined) {
    s = { outbound: false, received: new Map(), protocols: new Map() }
    state.set(peer, s)
  }
  return s
}

const peerId = (peer) => {
  const id = peer.getId()
  return id ? toHex(id) : null
}

const remoteVersion = (peer) => peer.getHelloMessage()?.protocolVersion ?? null

const reasonText = (r) =>
  r === undefined || r === null ? null : (DisconnectReasonNames[r] ?? `UNKNOWN_0x${r.toString(16)}`)

// ---------------------------------------------------------------- instrumentation of Peer
// Peer is the class RLPx instantiates for every connection, so wrapping its prototype methods
// lets us observe the base protocol. Behaviour is unchanged except for the documented options.

const P = Peer.prototype
const orig = {
  handleMessage: P._handleMessage,
  sendPing: P._sendPing,
  sendPong: P._sendPong,
  sendDisconnect: P._sendDisconnect,
  onSocketClose: P._onSocketClose,
  sendAuth: P._sendAuth,
}

P._handleMessage = function (code, msg) {
  const id = peerId(this)
  switch (code) {
    case 0: {
      const fields = Array.isArray(msg) ? msg : []
      const num = (b) => (b instanceof Uint8Array ? (b.length === 0 ? 0 : Number(BigInt(`0x${toHex(b)}`))) : null)
      const str = (b) => (b instanceof Uint8Array ? Buffer.from(b).toString('utf8') : null)
      emit({
        event: 'hello',
        id: fields[4] instanceof Uint8Array ? toHex(fields[4]) : id,
        protocolVersion: num(fields[0]),
        clientId: str(fields[1]),
        caps: Array.isArray(fields[2]) ? fields[2].map((c) => `${str(c[0])}/${num(c[1])}`) : null,
        port: num(fields[3]),
        portHex: fields[3] instanceof Uint8Array ? toHex(fields[3]) : null,
        fieldCount: fields.length,
      })
      break
    }
    case 1: {
      let r = null
      if (msg instanceof Uint8Array) r = msg.length === 0 ? 0 : msg[0]
      else if (Array.isArray(msg) && msg[0] instanceof Uint8Array) r = msg[0].length === 0 ? 0 : msg[0][0]
      else if (Array.isArray(msg)) r = 0
      emit({ event: 'disconnect', dir: 'in', id, reason: r, reasonText: reasonText(r) })
      break
    }
    case 2:
      emit({ event: 'ping', dir: 'in', id })
      break
    case 3:
      emit({ event: 'pong', dir: 'in', id })
      break
    default:
      emit({ event: 'baseMsg', id, code })
  }
  return orig.handleMessage.call(this, code, msg)
}

P._sendPing = function () {
  if (!this._closed) emit({ event: 'ping', dir: 'out', id: peerId(this) })
  return orig.sendPing.call(this)
}

P._sendPong = function () {
  if (!this._closed) emit({ event: 'pong', dir: 'out', id: peerId(this) })
  return orig.sendPong.call(this)
}

P._sendDisconnect = function (reason) {
  if (!this._closed) {
    emit({ event: 'disconnect', dir: 'out', id: peerId(this), reason, reasonText: reasonText(reason) })
  }
  return orig.sendDisconnect.call(this, reason)
}

P._onSocketClose = function (...args) {
  emit({
    event: 'socket:closed',
    id: peerId(this),
    outbound: st(this).outbound,
    handshakeDone: this._connected === true,
  })
  return orig.onSocketClose.apply(this, args)
}

// _sendAuth is only called (from the Peer constructor) for connections we dial.
P._sendAuth = function () {
  st(this).outbound = true
  if (!opts.legacyAuth) return orig.sendAuth.call(this)
  if (this._closed) return
  // ethereumjs's createAuthNonEIP8 does not left-pad r and s to 32 bytes, so about 1 in 128
  // signatures give a 306-byte (malformed) auth. Pick a fresh nonce until the size is right.
  const ecies = this._eciesSession
  let auth = ecies.createAuthNonEIP8()
  let retries = 0
  while (auth !== undefined && auth.length !== 307 && retries < 64) {
    ecies._nonce = new Uint8Array(randomBytes(32))
    retries++
    auth = ecies.createAuthNonEIP8()
  }
  if (auth === undefined) return
  this._EIP8 = false
  emit({ event: 'auth:sent', format: 'legacy', size: auth.length, retries })
  this._socket.write(auth)
  this._state = 'Ack'
  this._nextPacketSize = 210
}

if (opts.acceptLegacy) {
  // ethereumjs tests `subarray(0,1) === hexToBytes('0x04')`, which compares object identity and
  // is always false, so it can never parse a pre-EIP-8 auth or ack. These replacements fix only
  // that comparison: a first byte of 0x04 (an uncompressed ECIES public key) means legacy.
  P._handleAuth = function () {
    const n = this._nextPacketSize
    const data = this._socketData.subarray(0, n)
    const ecies = this._eciesSession
    if (!ecies._gotEIP8Auth) {
      if (data[0] === 0x04) {
        ecies.parseAuthPlain(data)
      } else {
        ecies._gotEIP8Auth = true
        this._nextPacketSize = ((this._socketData[0] << 8) | this._socketData[1]) + 2
        return
      }
    } else {
      ecies.parseAuthEIP8(data)
    }
    this._state = 'Header'
    this._nextPacketSize = 32
    process.nextTick(() => this._sendAck())
    this._socketData = this._socketData.subarray(n)
  }
  P._handleAck = function () {
    const n = this._nextPacketSize
    const data = this._socketData.subarray(0, n)
    const ecies = this._eciesSession
    if (!ecies._gotEIP8Ack) {
      if (data[0] === 0x04) {
        ecies.parseAckPlain(data)
      } else {
        ecies._gotEIP8Ack = true
        this._nextPacketSize = ((this._socketData[0] << 8) | this._socketData[1]) + 2
        return
      }
    } else {
      ecies.parseAckEIP8(data)
    }
    this._state = 'Header'
    this._nextPacketSize = 32
    process.nextTick(() => this._sendHello())
    this._socketData = this._socketData.subarray(n)
  }
}

// ---------------------------------------------------------------- the custom capability
// The Protocol base class is not exported by the package index; SNAP extends it, so its
// prototype chain gives us the real base.
const ProtocolBase = Object.getPrototypeOf(SNAP)

function makeCapClass(name) {
  return class CustomCapability extends ProtocolBase {
    constructor(version, peer, send) {
      super(peer, send, name, version, {})
      // The base class starts a 5 s "no STATUS received" timer (disconnect reason 0x0b) for every
      // protocol except snap; a status-less capability must clear it.
      clearTimeout(this._statusTimeoutId)
      this._statusTimeoutId = undefined
      this.capName = name
      st(peer).protocols.set(name, this)
    }

    /** Called by Peer with the payload already snappy-decompressed (when p2p >= 5). */
    _handleMessage(code, data) {
      const peer = this._peer
      const s = st(peer)
      const key = `${name}/${code}`
      const n = s.received.get(key) ?? 0
      s.received.set(key, n + 1)
      const ev = {
        event: 'msg',
        id: peerId(peer),
        cap: name,
        code,
        n,
        size: data.length,
        sha256: sha256Hex(data),
      }
      if (data.length <= opts.hexMax) ev.hex = toHex(data)
      emit(ev)
      if (opts.echo) {
        this.sendPayload(code, data, 'auto')
        emit({ event: 'sent', id: ev.id, cap: name, code, size: data.length, sha256: ev.sha256, echo: true })
      }
    }

    /** Sends one message; compress: "auto" (snappy iff remote p2p >= 5), true or false. */
    sendPayload(code, bytes, compress) {
      const v = remoteVersion(this._peer)
      const doCompress = compress === 'auto' ? v !== null && v >= 5 : compress === true
      this._send(code, doCompress ? snappy.compress(bytes) : bytes)
    }
  }
}

const capabilities = opts.caps.map((c) => ({
  name: c.name,
  version: c.version,
  length: c.length,
  constructor: makeCapClass(c.name),
}))

// ---------------------------------------------------------------- the node

const rlpx = new RLPx(privateKey, {
  capabilities,
  maxPeers: opts.maxPeers,
  timeout: opts.pingTimeoutMs,
  clientId: opts.clientId === null ? undefined : new Uint8Array(Buffer.from(opts.clientId, 'utf8')),
  listenPort: null,
  dpt: null,
})
const ourId = toHex(rlpx.id)

rlpx.events.on('listening', () => {
  isListening = true
  const port = rlpx._server.address().port
  // The Hello listen-port field; ethereumjs encodes it with intToBytes (so 0 becomes 0x00).
  rlpx._listenPort = opts.helloPort ?? port
  emit({
    event: 'listening',
    port,
    id: ourId,
    enode: `enode://${ourId}@127.0.0.1:${port}`,
    clientId: Buffer.from(rlpx.clientId).toString('utf8'),
    caps: opts.caps.map((c) => `${c.name}/${c.version}/${c.length}`),
    legacyAuth: opts.legacyAuth,
    acceptLegacy: opts.acceptLegacy,
  })
  if (dialTarget !== null) {
    emit({ event: 'dialing', id: toHex(dialTarget.id), address: dialTarget.address, port: dialTarget.tcpPort })
    rlpx.connect(dialTarget).catch((e) => emit({ event: 'dial:error', message: String(e?.message ?? e) }))
  }
})

let isListening = false
rlpx.events.on('error', (e) => {
  if (!isListening) fatal(`listen failed: ${e?.message ?? e}`)
  emit({ event: 'error', message: String(e?.message ?? e) })
})

// Every accepted TCP connection, before any handshake (handshake failures are otherwise silent
// on the listening side unless they throw: see socket:closed / peer:error).
rlpx._server.on('connection', (socket) => {
  emit({ event: 'tcp:accepted', remotePort: socket.remotePort })
})

rlpx.events.on('peer:added', (peer) => {
  const hello = peer.getHelloMessage()
  const ecies = peer._eciesSession
  if (!opts.autoPing) clearInterval(peer._pingIntervalId)
  emit({
    event: 'peer:added',
    id: peerId(peer),
    clientId: hello.clientId,
    caps: hello.capabilities.map((c) => `${c.name}/${c.version}`),
    remoteVersion: hello.protocolVersion,
    remotePort: hello.port,
    outbound: st(peer).outbound,
    // which handshake format the remote used towards us (ethereumjs flags)
    gotEip8Auth: ecies._gotEIP8Auth === true,
    gotEip8Ack: ecies._gotEIP8Ack === true,
    snappy: hello.protocolVersion >= 5,
    shared: peer._protocols.map((p) => ({ cap: p.protocol.capName, version: p.protocol._version, offset: p.offset, length: p.length })),
  })
})

rlpx.events.on('peer:removed', (peer, reason, disconnectWe) => {
  const r = typeof reason === 'number' ? reason : null
  emit({
    event: 'peer:removed',
    id: peerId(peer),
    reason: r,
    reasonText: reasonText(r),
    disconnectWe: disconnectWe === true,
  })
})

rlpx.events.on('peer:error', (peer, err) => {
  emit({ event: 'peer:error', id: peerId(peer), message: String(err?.message ?? err) })
})

try {
  rlpx.listen(opts.listen, '127.0.0.1')
} catch (e) {
  fatal(`listen failed: ${e.message}`)
}

// ---------------------------------------------------------------- commands

function connectedPeers(cmd) {
  const all = rlpx.getPeers()
  const list = cmd.peer === undefined ? all : all.filter((p) => peerId(p) === String(cmd.peer).toLowerCase())
  if (list.length === 0) throw new Error(cmd.peer === undefined ? 'no connected peer' : `no peer ${cmd.peer}`)
  return list
}

function protocolOf(peer, cap) {
  const proto = st(peer).protocols.get(cap)
  if (proto === undefined) throw new Error(`capability ${cap} not shared with peer ${peerId(peer)}`)
  return proto
}

function checkCode(code) {
  if (!Number.isInteger(code) || code < 0) throw new Error(`bad code ${code}`)
  return code
}

function compressOpt(cmd) {
  return cmd.compress === undefined ? 'auto' : cmd.compress === true
}

const commands = {
  send(cmd) {
    const bytes = fromHex(cmd.hex ?? '', 'hex')
    const code = checkCode(cmd.code)
    for (const peer of connectedPeers(cmd)) {
      protocolOf(peer, cmd.cap).sendPayload(code, bytes, compressOpt(cmd))
      emit({ event: 'sent', id: peerId(peer), cap: cmd.cap, code, size: bytes.length, sha256: sha256Hex(bytes) })
    }
  },

  sendRandom(cmd) {
    const code = checkCode(cmd.code)
    const count = cmd.count ?? 1
    const sizes = cmd.sizes ?? [32]
    const seed = cmd.seed ?? 0
    const start = cmd.start ?? 0
    const pattern = cmd.pattern ?? 'xorshift'
    if (!Number.isInteger(count) || count < 0) throw new Error('count must be a non-negative integer')
    if (!Array.isArray(sizes) || sizes.length === 0 || !sizes.every((s) => Number.isInteger(s) && s >= 0)) {
      throw new Error('sizes must be a non-empty array of non-negative integers')
    }
    if (!Number.isInteger(seed) || !Number.isInteger(start)) throw new Error('seed and start must be integers')
    const peers = connectedPeers(cmd)
    const protos = peers.map((p) => protocolOf(p, cmd.cap))
    const t0 = process.hrtime.bigint()
    let bytesTotal = 0
    for (let j = 0; j < count; j++) {
      const k = start + j
      const size = sizes[j % sizes.length]
      const payload = makePayload(seed, k, size, pattern)
      const digest = sha256Hex(payload)
      for (let i = 0; i < peers.length; i++) {
        protos[i].sendPayload(code, payload, compressOpt(cmd))
        emit({ event: 'sent', id: peerId(peers[i]), cap: cmd.cap, code, k, size, sha256: digest })
      }
      bytesTotal += size
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    emit({ event: 'sendRandom:done', cap: cmd.cap, code, count, bytes: bytesTotal, ms })
  },

  sendRaw(cmd) {
    // Absolute message code (base protocol 0..15, first capability from 16), no compression,
    // no range check: for negative tests.
    const code = checkCode(cmd.code)
    const bytes = fromHex(cmd.hex ?? '', 'hex')
    for (const peer of connectedPeers(cmd)) {
      const ok = peer._sendMessage(code, bytes) === true
      emit({ event: 'sent', id: peerId(peer), raw: true, code, size: bytes.length, sha256: sha256Hex(bytes), ok })
    }
  },

  sendCorrupt(cmd) {
    // Like sendRaw, but one byte of the frame on the wire is flipped: "header" flips a byte of the
    // header-mac, "body" the last byte of the frame-mac. For negative tests (bad MAC mid-stream).
    const code = checkCode(cmd.code)
    const bytes = fromHex(cmd.hex ?? '', 'hex')
    const where = cmd.where ?? 'body'
    if (where !== 'header' && where !== 'body') throw new Error('where must be "header" or "body"')
    for (const peer of connectedPeers(cmd)) {
      const socket = peer._socket
      const original = socket.write
      let writes = 0
      socket.write = function (chunk, ...rest) {
        const data = Buffer.from(chunk)
        writes++
        if (where === 'header' && writes === 1) {
          data[20] ^= 0x01
        } else if (where === 'body' && (data.length > 32 || writes === 2)) {
          data[data.length - 1] ^= 0x01
        }
        if (where === 'header' || data.length > 32 || writes === 2) socket.write = original
        return original.call(this, data, ...rest)
      }
      peer._sendMessage(code, bytes)
      emit({ event: 'sent', id: peerId(peer), raw: true, corrupt: where, code, size: bytes.length })
    }
  },

  ping(cmd) {
    for (const peer of connectedPeers(cmd)) peer._sendPing()
  },

  disconnect(cmd) {
    const reason = cmd.reason ?? DISCONNECT_REASON.DISCONNECT_REQUESTED
    if (!Number.isInteger(reason) || reason < 0 || reason > 255) throw new Error('reason must be 0..255')
    for (const peer of connectedPeers(cmd)) peer.disconnect(reason)
  },

  peers() {
    emit({
      event: 'peers',
      peers: rlpx.getPeers().map((p) => ({
        id: peerId(p),
        outbound: st(p).outbound,
        remoteVersion: remoteVersion(p),
        received: Object.fromEntries(st(p).received),
      })),
    })
  },

  exit(cmd) {
    shutdown('cmd', cmd.graceful !== false)
  },
}

let stdinLines = 0
const rl = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })
rl.on('line', (line) => {
  stdinLines++
  if (line.trim() === '') return
  let cmd
  try {
    cmd = JSON.parse(line)
  } catch {
    emit({ event: 'cmdError', line: stdinLines, message: 'invalid JSON' })
    return
  }
  const fn = cmd && typeof cmd.cmd === 'string' && Object.hasOwn(commands, cmd.cmd) ? commands[cmd.cmd] : null
  if (fn === null) {
    emit({ event: 'cmdError', line: stdinLines, cmd: cmd?.cmd ?? null, message: 'unknown command' })
    return
  }
  try {
    fn(cmd)
    if (cmd.ack === true) emit({ event: 'ack', line: stdinLines, cmd: cmd.cmd })
  } catch (e) {
    emit({ event: 'cmdError', line: stdinLines, cmd: cmd.cmd, message: String(e?.message ?? e) })
  }
})
rl.on('close', () => {
  if (opts.exitOnStdinEof) shutdown('stdin-eof', true)
})

// ---------------------------------------------------------------- shutdown

let shuttingDown = false
function shutdown(reason, graceful) {
  if (shuttingDown) return
  shuttingDown = true
  emit({ event: 'exiting', reason })
  const finish = () => {
    emit({ event: 'exit', code: 0 })
    process.exit(0)
  }
  if (!graceful) finish()
  try {
    // Sends Disconnect(0x08 CLIENT_QUITTING) to every peer; ethereumjs then ends each socket 2 s later.
    rlpx.destroy()
  } catch {
    finish()
  }
  const deadline = Date.now() + 3000
  const poll = setInterval(() => {
    if (rlpx._peers.size === 0 || Date.now() > deadline) {
      clearInterval(poll)
      finish()
    }
  }, 25)
}

setTimeout(() => shutdown('timeout', true), opts.timeoutMs).unref()
process.on('SIGTERM', () => shutdown('SIGTERM', true))
process.on('SIGINT', () => shutdown('SIGINT', true))
