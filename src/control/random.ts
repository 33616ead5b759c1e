/**
 * The emulator's random sources. Unseeded, they draw from the system (crypto); with `--seed N` they are
 * xoroshiro128+ generators (pure-rand), so ids, request ids and fault probabilities repeat exactly.
 * Each use has its own stream, derived from the seed, so drawing a fault probability never shifts the ids.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'
import { uniformInt } from 'pure-rand/distribution/uniformInt'

export interface Random {
  /** `size` random bytes (0–255 each). */
  bytes (size: number): Uint8Array
  /** A float in [0, 1). */
  float (): number
  /** A version-4-shaped UUID (request ids). */
  uuid (): string
}

export const systemRandom: Random = {
  bytes: size => randomBytes(size),
  float: () => Math.random(),
  uuid: () => randomUUID()
}

/** A deterministic source for `seed` on stream `stream` (0 ids, 1 request ids, 2 faults). */
export function seededRandom (seed: number, stream: number): Random {
  // Seeds are 32-bit for the generator; the stream is mixed in so streams never coincide.
  const generator = xoroshiro128plus(((seed % 0x100000000) ^ Math.imul(stream + 1, 0x9e3779b1)) | 0)
  const bytes = (size: number) => {
    const out = new Uint8Array(size)
    for (let i = 0; i < size; i++) out[i] = uniformInt(generator, 0, 255)
    return out
  }
  return {
    bytes,
    float: () => uniformInt(generator, 0, 0x7fffffff) / 0x80000000,
    uuid () {
      const b = bytes(16)
      b[6] = (b[6]! & 0x0f) | 0x40
      b[8] = (b[8]! & 0x3f) | 0x80
      const hex = Buffer.from(b).toString('hex')
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
    }
  }
}
