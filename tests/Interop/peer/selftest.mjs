#!/usr/bin/env node
// Self-test: runs peer.mjs processes against each other on 127.0.0.1 and checks the JSON-line
// protocol end to end. Exit code 0 = all checks passed. Whole run is capped at 55 s.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const PEER = join(here, 'peer.mjs')
const VERBOSE = process.argv.includes('--verbose')
const started = Date.now()
const procs = []
let checks = 0

function log(msg) {
  process.stderr.write(`[selftest +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`)
}

function check(cond, what) {
  checks++
  if (!cond) throw new Error(`check failed: ${what}`)
}

/** A running peer.mjs with its stdout events collected. */
class PeerProc {
  constructor(name, args) {
    this.name = name
    this.events = []
    this.waiters = []
    this.stderr = ''
    this.child = spawn(process.execPath, [PEER, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    procs.push(this)
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => resolve({ code, signal }))
    })
    this.child.stderr.on('data', (d) => {
      this.stderr += d
    })
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      let ev
      try {
        ev = JSON.parse(line)
      } catch {
        ev = { event: 'BAD_JSON', line }
      }
      if (VERBOSE) log(`${this.name} < ${line.length > 300 ? `${line.slice(0, 300)}...` : line}`)
      this.events.push(ev)
      for (const w of [...this.waiters]) w()
    })
  }

  send(cmd) {
    this.child.stdin.write(`${JSON.stringify(cmd)}\n`)
  }

  /** Resolves with the first event (from index `from`) matching pred. */
  waitFor(pred, label, timeoutMs = 10000, from = 0) {
    return new Promise((resolve, reject) => {
      const scan = () => {
        for (let i = from; i < this.events.length; i++) {
          if (pred(this.events[i])) {
            done()
            resolve(this.events[i])
            return true
          }
        }
        return false
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`${this.name}: timed out waiting for ${label}`))
      }, timeoutMs)
      const done = () => {
        clearTimeout(timer)
        this.waiters = this.waiters.filter((w) => w !== scan)
      }
      if (!scan()) this.waiters.push(scan)
    })
  }

  count(pred) {
    return this.events.filter(pred).length
  }

  async exitCode(timeoutMs = 8000) {
    const t = new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`${this.name}: did not exit`)), timeoutMs).unref(),
    )
    return Promise.race([this.exited, t])
  }
}

// Independent reimplementation of the documented generator (README-INTEROP.md), used to check
// that peer.mjs sends exactly what the documentation says.
function referencePayload(seed, k, size, pattern) {
  const b = Buffer.alloc(size)
  if (pattern === 'counter') {
    for (let i = 0; i < size; i++) b[i] = Number((BigInt(seed) + BigInt(k) + BigInt(i)) & 0xffn)
    return b
  }
  const M = 0xffffffffn
  let x = (BigInt(seed) + 0x9e3779b9n * BigInt(k + 1)) & M
  if (x === 0n) x = 1n
  for (let i = 0; i < size; i++) {
    x ^= (x << 13n) & M
    x ^= x >> 17n
    x ^= (x << 5n) & M
    b[i] = Number(x & 0xffn)
  }
  return b
}
const sha = (b) => createHash('sha256').update(b).digest('hex')

async function startPair(nameA, argsA, nameB, argsB) {
  const a = new PeerProc(nameA, argsA)
  const la = await a.waitFor((e) => e.event === 'listening', `${nameA} listening`)
  const b = new PeerProc(nameB, ['--dial', la.enode, ...argsB])
  const lb = await b.waitFor((e) => e.event === 'listening', `${nameB} listening`)
  return { a, b, la, lb }
}

// ---------------------------------------------------------------- scenario 1: main exchange
async function mainExchange() {
  const KEY_A = '11'.repeat(32)
  const { a, b, la, lb } = await startPair(
    'A',
    ['--key', KEY_A, '--cap', 'bench/1/2', '--client-id', 'selftest-A', '--timeout-ms', '50000'],
    'B',
    ['--cap', 'bench/1/2', '--cap', 'other/3/4', '--client-id', 'selftest-B', '--timeout-ms', '50000'],
  )
  const pa = await a.waitFor((e) => e.event === 'peer:added', 'A peer:added')
  const pb = await b.waitFor((e) => e.event === 'peer:added', 'B peer:added')
  log('main: handshake done')
  check(pa.id === lb.id && pb.id === la.id, 'peer ids match the enodes')
  check(pa.clientId === 'selftest-B' && pb.clientId === 'selftest-A', 'client ids')
  check(pa.remoteVersion === 5 && pb.remoteVersion === 5, 'p2p version 5')
  check(JSON.stringify(pa.caps) === '["bench/1","other/3"]', `A sees B caps ${pa.caps}`)
  check(pa.shared.length === 1 && pa.shared[0].cap === 'bench' && pa.shared[0].offset === 16, 'shared cap at 16')
  check(pa.outbound === false && pb.outbound === true, 'direction flags')
  check(pa.gotEip8Auth === true && pb.gotEip8Ack === true, 'EIP-8 handshake both ways')
  check(pb.remotePort === la.port, 'Hello listen port of A')

  // 100 messages each way: small sizes cycling, one 64 KiB and one 1 MiB.
  const small = [0, 1, 2, 15, 16, 17, 31, 32, 33, 100, 255, 256, 1000, 1024, 4096]
  const sizes = Array.from({ length: 100 }, (_, j) => small[j % small.length])
  sizes[50] = 64 * 1024
  sizes[99] = 1024 * 1024
  const seedAB = 0xdeadbeef
  const seedBA = 7
  a.send({ cmd: 'sendRandom', cap: 'bench', code: 0, count: 100, sizes, seed: seedAB })
  b.send({ cmd: 'sendRandom', cap: 'bench', code: 1, count: 100, sizes, seed: seedBA })
  await a.waitFor((e) => e.event === 'sendRandom:done', 'A sendRandom:done', 20000)
  await b.waitFor((e) => e.event === 'sendRandom:done', 'B sendRandom:done', 20000)
  await b.waitFor((e) => e.event === 'msg' && e.n === 99 && e.code === 0, 'B got 100 msgs', 20000)
  await a.waitFor((e) => e.event === 'msg' && e.n === 99 && e.code === 1, 'A got 100 msgs', 20000)
  log('main: 100 messages each way received')

  for (const [tx, rx, code, seed] of [
    [a, b, 0, seedAB],
    [b, a, 1, seedBA],
  ]) {
    const sent = tx.events.filter((e) => e.event === 'sent' && e.cap === 'bench')
    const got = rx.events.filter((e) => e.event === 'msg' && e.cap === 'bench')
    check(sent.length === 100 && got.length === 100, `${tx.name}->${rx.name} counts ${sent.length}/${got.length}`)
    for (let k = 0; k < 100; k++) {
      const want = referencePayload(seed, k, sizes[k], 'xorshift')
      check(sent[k].k === k && sent[k].size === sizes[k], `${tx.name} sent #${k} metadata`)
      check(sent[k].sha256 === sha(want), `${tx.name} sent #${k} matches the documented generator`)
      check(got[k].n === k && got[k].code === code && got[k].size === sizes[k], `${rx.name} msg #${k} metadata`)
      check(got[k].sha256 === sent[k].sha256, `${rx.name} msg #${k} digest`)
      if (sizes[k] <= 64) check(got[k].hex === want.toString('hex'), `${rx.name} msg #${k} hex`)
    }
  }
  check(b.events.some((e) => e.event === 'msg' && e.size === 1024 * 1024), 'B got the 1 MiB payload')
  check(a.events.some((e) => e.event === 'msg' && e.size === 64 * 1024), 'A got the 64 KiB payload')

  // explicit hex send, compressible pattern, and an out-of-range code
  const markA = a.events.length
  const markB = b.events.length
  a.send({ cmd: 'send', cap: 'bench', code: 1, hex: '0xc0ffee' })
  const m1 = await b.waitFor((e) => e.event === 'msg' && e.hex === 'c0ffee', 'B got c0ffee', 5000, markB)
  check(m1.code === 1 && m1.size === 3, 'hex send code/size')
  a.send({ cmd: 'sendRandom', cap: 'bench', code: 0, count: 1, sizes: [65536], seed: 3, start: 5, pattern: 'counter' })
  const m2 = await b.waitFor((e) => e.event === 'msg' && e.size === 65536, 'B got counter payload', 5000, markB)
  check(m2.sha256 === sha(referencePayload(3, 5, 65536, 'counter')), 'counter pattern digest')
  a.send({ cmd: 'send', cap: 'bench', code: 5, hex: '00' })
  const err = await a.waitFor((e) => e.event === 'cmdError', 'A cmdError for code 5', 5000, markA)
  check(/out of range/i.test(err.message), `out-of-range code rejected: ${err.message}`)

  // base protocol ping/pong
  a.send({ cmd: 'ping' })
  await a.waitFor((e) => e.event === 'ping' && e.dir === 'out', 'A ping out', 5000, markA)
  await b.waitFor((e) => e.event === 'ping' && e.dir === 'in', 'B ping in', 5000, markB)
  await b.waitFor((e) => e.event === 'pong' && e.dir === 'out', 'B pong out', 5000, markB)
  await a.waitFor((e) => e.event === 'pong' && e.dir === 'in', 'A pong in', 5000, markA)
  log('main: ping/pong ok')

  // disconnect with 0x08, check both sides
  a.send({ cmd: 'disconnect', reason: 8 })
  const rb = await b.waitFor((e) => e.event === 'peer:removed', 'B peer:removed', 8000)
  const ra = await a.waitFor((e) => e.event === 'peer:removed', 'A peer:removed', 8000)
  check(rb.reason === 8 && rb.disconnectWe === false && rb.reasonText === 'CLIENT_QUITTING', `B reason ${JSON.stringify(rb)}`)
  check(ra.reason === 8 && ra.disconnectWe === true, `A reason ${JSON.stringify(ra)}`)
  check(b.count((e) => e.event === 'disconnect' && e.dir === 'in' && e.reason === 8) === 1, 'B saw Disconnect(8) on the wire')
  log('main: disconnect 0x08 reported on both sides')

  a.send({ cmd: 'exit' })
  b.send({ cmd: 'exit' })
  const [xa, xb] = await Promise.all([a.exitCode(), b.exitCode()])
  check(xa.code === 0 && xb.code === 0, `exit codes ${xa.code}/${xb.code}`)
  check(a.events.some((e) => e.event === 'exiting' && e.reason === 'cmd'), 'A exiting reason cmd')
  for (const p of [a, b]) {
    check(!p.events.some((e) => ['peer:error', 'error', 'fatal', 'BAD_JSON'].includes(e.event)), `${p.name}: no errors`)
  }
}

// ---------------------------------------------------------------- scenario 2: legacy handshake
async function legacyHandshake() {
  const { a: c, b: d } = await startPair(
    'C',
    ['--accept-legacy', '--timeout-ms', '30000'],
    'D',
    ['--legacy-auth', '--accept-legacy', '--timeout-ms', '30000'],
  )
  const pc = await c.waitFor((e) => e.event === 'peer:added', 'C peer:added (legacy)')
  const pd = await d.waitFor((e) => e.event === 'peer:added', 'D peer:added (legacy)')
  const auth = d.events.find((e) => e.event === 'auth:sent')
  check(auth !== undefined && auth.format === 'legacy' && auth.size === 307, 'D sent a 307-byte legacy auth')
  check(pc.gotEip8Auth === false && pd.gotEip8Ack === false, 'legacy auth and legacy ack used')
  d.send({ cmd: 'sendRandom', cap: 'bench', code: 0, count: 3, sizes: [10, 70000, 5], seed: 9 })
  await c.waitFor((e) => e.event === 'msg' && e.n === 2, 'C got 3 msgs (legacy)', 10000)
  const sent = d.events.filter((e) => e.event === 'sent')
  const got = c.events.filter((e) => e.event === 'msg')
  check(got.every((g, i) => g.sha256 === sent[i].sha256), 'legacy session digests')
  // graceful exit of D sends Disconnect(0x08) to C
  d.send({ cmd: 'exit' })
  const rc = await c.waitFor((e) => e.event === 'peer:removed', 'C peer:removed', 8000)
  check(rc.reason === 8 && rc.disconnectWe === false, `C saw CLIENT_QUITTING on D exit: ${JSON.stringify(rc)}`)
  c.send({ cmd: 'exit' })
  const [xc, xd] = await Promise.all([c.exitCode(), d.exitCode()])
  check(xc.code === 0 && xd.code === 0, 'legacy exit codes')
  log('legacy: pre-EIP-8 handshake ok (with --accept-legacy on both sides)')
}

// ---------------------------------------------------------------- scenario 3: unpatched ethereumjs vs legacy auth
async function legacyWithoutFix() {
  const { a: e, b: f } = await startPair('E', ['--timeout-ms', '20000'], 'F', ['--legacy-auth', '--timeout-ms', '20000'])
  await new Promise((r) => setTimeout(r, 2500))
  check(!e.events.some((x) => x.event === 'peer:added'), 'stock ethereumjs cannot accept a legacy auth (known bug)')
  check(!f.events.some((x) => x.event === 'peer:added'), 'no session for F either')
  e.child.kill('SIGTERM')
  f.child.kill('SIGTERM')
  const [xe, xf] = await Promise.all([e.exitCode(), f.exitCode()])
  check(xe.code === 0 && xf.code === 0, 'SIGTERM exit codes')
  check(e.events.some((x) => x.event === 'exiting' && x.reason === 'SIGTERM'), 'E exiting reason SIGTERM')
  log('legacy-without-fix: stalls as documented; SIGTERM exit ok')
}

// ---------------------------------------------------------------- scenario 4: self-timeout, refusal of remote hosts
async function guards() {
  const t = new PeerProc('T', ['--timeout-ms', '1500'])
  const x = await t.exitCode(6000)
  check(x.code === 0 && t.events.some((e) => e.event === 'exiting' && e.reason === 'timeout'), 'timeout exit')

  const bad = new PeerProc('R', ['--dial', `enode://${'ab'.repeat(64)}@10.0.0.1:30303`])
  const xr = await bad.exitCode(6000)
  check(xr.code === 1 && bad.events.some((e) => e.event === 'fatal' && /only 127\.0\.0\.1/.test(e.message)), 'non-local dial refused')
  check(!bad.events.some((e) => e.event === 'dialing'), 'nothing dialed')
  log('guards: timeout and dial restriction ok')
}

const overall = setTimeout(() => {
  log('FAIL: overall time limit (55 s) exceeded')
  for (const p of procs) p.child.kill('SIGKILL')
  process.exit(2)
}, 55000)

try {
  await Promise.all([mainExchange(), legacyHandshake(), legacyWithoutFix(), guards()])
  clearTimeout(overall)
  log(`PASS: ${checks} checks in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  process.exit(0)
} catch (e) {
  clearTimeout(overall)
  log(`FAIL: ${e.message}`)
  for (const p of procs) {
    if (p.stderr) log(`${p.name} stderr: ${p.stderr.trim().slice(0, 2000)}`)
    p.child.kill('SIGKILL')
  }
  process.exit(1)
}
