// Loaded into every test process (tap's node-arg). Where Node strips TypeScript types itself (Node >= 22, with
// tap's `type-strip-only`), tests and src/ run without ts-node, which makes each test file start several
// times faster. Stripping keeps every character where it was, so coverage maps exactly; but Node then looks for
// the files the imports name, and ours name `./x.js` (as tsc's NodeNext wants) for a file that is `./x.ts`:
// this resolve hook tries the .ts file when the .js one does not exist. On Node 20 tap uses ts-node, which
// resolves them itself, and this file does nothing.
import * as nodeModule from 'node:module'
import { isMainThread } from 'node:worker_threads'

const RELATIVE_JS = /^\.\.?\/.*\.js$/
const asTs = specifier => `${specifier.slice(0, -3)}.ts`
const missing = err => err?.code === 'ERR_MODULE_NOT_FOUND'

/** The hook for module.register (Node 22 before 22.15), run in Node's hooks thread. */
export async function resolve (specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context)
  } catch (err) {
    if (missing(err) && RELATIVE_JS.test(specifier)) return nextResolve(asTs(specifier), context)
    throw err
  }
}

if (process.env.TAP_TYPE_STRIP_ONLY === '1' && isMainThread) {
  if (typeof nodeModule.registerHooks === 'function') {
    nodeModule.registerHooks({
      resolve (specifier, context, nextResolve) {
        try {
          return nextResolve(specifier, context)
        } catch (err) {
          if (missing(err) && RELATIVE_JS.test(specifier)) return nextResolve(asTs(specifier), context)
          throw err
        }
      }
    })
  } else {
    nodeModule.register(import.meta.url)
  }
}
