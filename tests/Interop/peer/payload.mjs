// Deterministic payload generator shared by peer.mjs (sendRandom) and the docs.
// The C# harness reimplements this; README-INTEROP.md has the exact definition.
import { createHash } from 'node:crypto'

/** 0x9E3779B9 is the 32-bit golden-ratio constant; it spreads message indices apart. */
const GOLDEN = 0x9e3779b9

/**
 * Builds payload number `k` of `size` bytes.
 * pattern "xorshift" (default): incompressible; "counter": highly compressible.
 * @param {number} seed   any integer, taken modulo 2^32
 * @param {number} k      message index (0-based, plus the command's optional "start")
 * @param {number} size   payload length in bytes
 * @param {string} pattern "xorshift" | "counter"
 * @returns {Uint8Array}
 */
export function makePayload(seed, k, size, pattern = 'xorshift') {
  const out = new Uint8Array(size)
  if (pattern === 'counter') {
    const base = ((seed >>> 0) + k) >>> 0
    for (let i = 0; i < size; i++) out[i] = (base + i) & 0xff
    return out
  }
  if (pattern !== 'xorshift') throw new Error(`unknown pattern ${pattern}`)
  let x = ((seed >>> 0) + Math.imul(GOLDEN, k + 1)) >>> 0
  if (x === 0) x = 1
  for (let i = 0; i < size; i++) {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    out[i] = x & 0xff
  }
  return out
}

/** Lower-case hex SHA-256 of the bytes. */
export function sha256Hex(bytes) {
  return createHash('sha256').update(bytes).digest('hex')
}
