// Helpers the benchmark and soak scripts share: a free loopback port, and a process's resident set.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

/** A TCP port free on `host` right now (the kernel picks it; a probe server is opened and closed). */
export function freePort (host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.unref()
    probe.once('error', reject)
    probe.listen(0, host, () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/** The resident set of process `pid` in bytes, from /proc/<pid>/status; null where that cannot be read. */
export function rssBytes (pid) {
  try {
    const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])
    return Number.isFinite(kb) ? kb * 1024 : null
  } catch {
    return null
  }
}
