/**
 * The tokenizer in a worker thread, so that loading it never blocks the event loop.
 *
 * Loading o200k_base means parsing a 2.2 MB module and building maps of 200,000 entries: about half a second
 * on a quiet machine (1.5 s under load), all of it synchronous. In the main thread that stalled every request
 * and stream the first time a token count was needed (issue 20). Here the worker loads it while the event
 * loop goes on: `startTokenizer()` starts it (once), `whenTokenizerReady()` resolves when it can answer.
 *
 * Counts are then asked synchronously (the lifecycle is pure and synchronous): the text's chunks are posted
 * on a MessagePort and the main thread waits on a shared flag with `Atomics.wait` until the worker has
 * answered, then takes the answer with `receiveMessageOnPort`: tens of microseconds, and the caller keeps a
 * memo of recent texts. A count asked before the worker is ready waits for it the same way (a fallback for a
 * path that did not wait first: correct, but that one request stalls, as before). Texts can be counted ahead,
 * asynchronously (runs/tokens.ts: `countAhead` for a request's long strings, `countSoon` for what a new run or
 * response will be read with), so that reading them later costs no wait at all.
 *
 * The worker is started only when a run needs it (idle memory and cold start stay as they are) and keeps
 * the process alive only while it loads or counts ahead (someone may be waiting for it). Its code is plain JavaScript evaluated in the worker, so it runs the same from
 * the sources (tests), from dist/ and from the one-file bundle.
 */
import { createRequire } from 'node:module'
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'

/** A request to the worker: count (or encode) each chunk, count several texts (each in its chunks), or decode tokens. */
type Ask =
  | { readonly op: 'count', readonly chunks: readonly string[] }
  | { readonly op: 'countEach', readonly texts: ReadonlyArray<readonly string[]> }
  | { readonly op: 'encode', readonly chunks: readonly string[] }
  | { readonly op: 'decode', readonly tokens: readonly number[] }

/** The worker's program (CommonJS, evaluated): loads the encoder, then answers on both ports. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { createRequire } = require('node:module')
const bpe = createRequire(workerData.from)(workerData.module)
const flag = new Int32Array(workerData.flag)
const answer = ask => {
  if (ask.op === 'count') { let n = 0; for (const chunk of ask.chunks) n += bpe.encode(chunk).length; return n }
  if (ask.op === 'countEach') return ask.texts.map(chunks => { let n = 0; for (const chunk of chunks) n += bpe.encode(chunk).length; return n })
  if (ask.op === 'encode') { const out = []; for (const chunk of ask.chunks) for (const t of bpe.encode(chunk)) out.push(t); return out }
  return bpe.decode(ask.tokens)
}
workerData.sync.on('message', ask => {
  let reply
  try { reply = { value: answer(ask) } } catch (err) { reply = { error: String(err && err.message || err) } }
  workerData.sync.postMessage(reply)
  Atomics.store(flag, 0, 1)
  Atomics.notify(flag, 0)
})
parentPort.on('message', ({ id, ask }) => {
  try { parentPort.postMessage({ id, value: answer(ask) }) } catch (err) { parentPort.postMessage({ id, error: String(err && err.message || err) }) }
})
// The first encodes run cold (tens of ms): done here, before anyone waits on a count.
bpe.encode('Warm up: The quick brown fox, 42 times; {"a": [1, 2]} 日本語 ça va?')
parentPort.postMessage({ ready: true })
`

interface Host {
  readonly worker: Worker
  readonly sync: MessagePort
  readonly flag: Int32Array
  readonly ready: Promise<void>
  isReady: boolean
  nextId: number
  readonly pending: Map<number, { resolve: (value: unknown) => void, reject: (err: Error) => void }>
}

let host: Host | undefined

/** Where the tokenizer module is resolved from (this file's node_modules, as the original `require` did). */
const FROM = import.meta.url

function start (): Host {
  if (host !== undefined) return host
  const { port1, port2 } = new MessageChannel()
  const shared = new SharedArrayBuffer(4)
  // Resolve the module here, so a missing package is a clear error in the main thread.
  const module = createRequire(FROM).resolve('gpt-tokenizer/encoding/o200k_base')
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    // The worker needs none of the loaders the main thread may run with (tests load TypeScript).
    execArgv: [],
    workerData: { from: FROM, module, flag: shared, sync: port2 },
    transferList: [port2]
  })
  let markReady!: () => void
  let fail!: (err: Error) => void
  const ready = new Promise<void>((resolve, reject) => { markReady = resolve; fail = reject })
  const made: Host = { worker, sync: port1, flag: new Int32Array(shared), ready, isReady: false, nextId: 0, pending: new Map() }
  worker.on('message', (message: { ready?: true, id?: number, value?: unknown, error?: string }) => {
    if (message.ready) {
      made.isReady = true
      markReady()
      if (made.pending.size === 0) worker.unref()
      return
    }
    const waiting = made.pending.get(message.id!)
    made.pending.delete(message.id!)
    if (made.isReady && made.pending.size === 0) worker.unref()
    if (message.error !== undefined) waiting?.reject(new Error(message.error))
    else waiting?.resolve(message.value)
  })
  worker.on('error', err => {
    fail(err)
    for (const waiting of made.pending.values()) waiting.reject(err)
  })
  // Referenced while it loads or counts ahead (someone may be waiting for it), unreferenced when idle.
  // An unhandled rejection of `ready` would end the process; callers that wait see the failure.
  ready.catch(() => {})
  host = made
  return made
}

/** Starts loading the tokenizer in its worker (once); resolves when it can answer. */
export function whenTokenizerReady (): Promise<void> {
  return start().ready
}

/** Whether the worker has been started, and whether it has finished loading. */
export function tokenizerState (): 'idle' | 'loading' | 'ready' {
  return host === undefined ? 'idle' : host.isReady ? 'ready' : 'loading'
}

/** How many times the main thread has waited for the worker (`askNow`), for tests. */
export const tokenizerStats = { waits: 0 }

/** Asks the worker and waits for its answer, blocking the thread (see the module comment). */
export function askNow (ask: Ask): unknown {
  const { sync, flag } = start()
  tokenizerStats.waits++
  Atomics.store(flag, 0, 0)
  sync.postMessage(ask)
  for (;;) {
    const received = receiveMessageOnPort(sync) as { message: { value?: unknown, error?: string } } | undefined
    if (received !== undefined) {
      if (received.message.error !== undefined) throw new Error(`tokenizer: ${received.message.error}`)
      return received.message.value
    }
    // The worker posts its answer before it sets the flag: once woken, the answer is there.
    Atomics.wait(flag, 0, 0, 1000)
  }
}

/** Asks the worker without waiting: the event loop goes on while it counts. */
export function askLater (ask: Ask): Promise<unknown> {
  const made = start()
  const id = made.nextId++
  return new Promise((resolve, reject) => {
    made.pending.set(id, { resolve, reject })
    made.worker.ref()
    made.worker.postMessage({ id, ask })
  })
}
