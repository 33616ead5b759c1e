/** Readers of the inspector's view documents (/_emulator/inspector/…) for the tests of its kinds. */
import type { Built } from '../helper.js'

/** GET of an inspector view; fails the test unless it answers `status`. */
export async function view (built: Built, path: string, status = 200) {
  const res = await built.app.inject({ url: `/_emulator/inspector/${path}` })
  if (res.statusCode !== status) throw new Error(`${path}: ${res.statusCode} ${res.body}`)
  return res.json()
}

/** A section of a detail view (src/inspector/view.ts), its other keys by its type. */
export interface Section { type: string, title: string, [key: string]: unknown }

/** The section of `detail` titled `title`; throws naming the titles there are. */
export const section = (detail: { sections: Section[] }, title: string) => {
  const found = detail.sections.find(s => s.title === title)
  if (found === undefined) throw new Error(`no section ${title} in ${detail.sections.map(s => s.title).join(', ')}`)
  return found as Section & Record<string, any>
}

/** The value of the field labelled `label` in a detail view, or undefined. */
export const field = (detail: { fields: Array<{ label: string, value: unknown }> }, label: string) => detail.fields.find(f => f.label === label)?.value
