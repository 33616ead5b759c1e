/**
 * The inspector page's files (ui/: index.html, app.js, app.css, icon.svg), served as they are: no build step,
 * no CDN, nothing fetched from elsewhere. They sit next to this module in src/ (and in tsc's dist/inspector/);
 * `npm run build` copies them to dist/inspector/ui/, next to the bundled dist/server.js (scripts/bundle.mjs),
 * which the npm package and the container image ship.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

/** The page's assets by file name, with their content types (anything else is not served). */
export const UI_ASSETS: Readonly<Record<string, string>> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'icon.svg': 'image/svg+xml'
}

/** Where the files are: next to this module (src/inspector/, dist/inspector/), or below the bundle (dist/server.js). */
const PLACES = ['./ui/', './inspector/ui/']

let found: string | undefined

/** The folder holding the page's files; throws when the installation lacks them. */
function uiFolder (): string {
  if (found !== undefined) return found
  for (const place of PLACES) {
    const folder = fileURLToPath(new URL(place, import.meta.url))
    if (existsSync(`${folder}index.html`)) return (found = folder)
  }
  throw new Error(`The inspector's files (index.html, app.js, app.css) are missing: looked in ${PLACES.map(p => fileURLToPath(new URL(p, import.meta.url))).join(' and ')}`)
}

/** A file of the page: `index.html` or one of UI_ASSETS. Read on every request (they are small, and edits show at once). */
export async function uiFile (name: string): Promise<Buffer> {
  return await readFile(`${uiFolder()}${name}`)
}
