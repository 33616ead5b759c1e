/**
 * The endpoint matrix: every (method, path) the official documents declare, per document. scripts/docs.ts writes
 * it into docs/endpoints.md between `<!-- endpoint-matrix:start -->` and `<!-- endpoint-matrix:end -->`, and
 * test/docs.test.ts checks it is current there; coverage.test.ts checks that the emulator serves each pair.
 */
import { BORROWED_OPERATIONS } from './exceptions.js'
import { DOC_IDS, operationsOf, type DocId, type Flavour } from './spec.js'

/** `{threadId}` (Azure) and `{thread_id}` (OpenAI) name the same parameter. */
export function normalisePath (path: string): string {
  return path.replace(/\{([^}]+)\}/g, (_m, name: string) => `{${name.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`)}}`)
}

export const COLUMNS: ReadonlyArray<{ doc: DocId, title: string }> = [
  { doc: 'azure-2024-02-15-preview', title: 'Azure v1 (`2024-02-15-preview` … `2024-04-01-preview`)' },
  { doc: 'azure-2024-05-01-preview', title: 'Azure v2 (`2024-05-01-preview` and later)' },
  { doc: 'openai-2024-06-20', title: 'OpenAI `/v1`' },
  { doc: 'agents-v1', title: 'Foundry Agents `/api/projects/{project}`' }
]

export interface MatrixRow {
  method: string
  path: string
  /** Per column: in the document, borrowed (served, documented elsewhere), or absent. */
  cells: Record<DocId, 'spec' | 'borrowed' | 'absent'>
}

const METHOD_ORDER = ['GET', 'POST', 'DELETE']

export function matrixRows (): MatrixRow[] {
  const rows = new Map<string, MatrixRow>()
  const row = (method: string, path: string) => {
    const key = `${path} ${method}`
    let existing = rows.get(key)
    if (!existing) {
      existing = { method, path, cells: Object.fromEntries(DOC_IDS.map(d => [d, 'absent'])) as MatrixRow['cells'] }
      rows.set(key, existing)
    }
    return existing
  }
  for (const doc of DOC_IDS) for (const op of operationsOf(doc)) row(op.method, normalisePath(op.path)).cells[doc] = 'spec'
  for (const b of BORROWED_OPERATIONS) {
    // Served only from a later api-version than the column's first: the column shows Azure's 404 (docs/endpoints.md says from when).
    const entry = row(b.method, normalisePath(b.path))
    if (b.since === undefined) for (const doc of b.docs) entry.cells[doc] = 'borrowed'
  }
  return [...rows.values()].sort((a, b) => a.path.localeCompare(b.path) ||
    METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method))
}

const CELL = { spec: '✓', borrowed: '✓ ¹', absent: '–' } as const

export function matrixMarkdown (): string {
  return [
    `| method | path | ${COLUMNS.map(c => c.title).join(' | ')} |`,
    `|---|---|${COLUMNS.map(() => '---').join('|')}|`,
    ...matrixRows().map(r => `| ${r.method} | \`${r.path}\` | ${COLUMNS.map(c => CELL[r.cells[c.doc]]).join(' | ')} |`),
    '',
    '✓: declared by the official document for that column and served. ✓ ¹: served as the real service does, but ' +
      'missing from the generated Azure document (checked against OpenAI\'s). –: not in that API version; Azure ' +
      'answers 404 `{"error":{"code":"404","message": "Resource not found"}}`, and so does the emulator.',
    'Columns: `spec/azure-assistants-2024-02-15-preview.json`, `azure-assistants-2024-05-01-preview.json` (the ' +
      '`2024-07-01-preview` and `2024-09-01-preview` documents declare the same operations), ' +
      '`openai-openapi-2024-06-20.yaml` (Assistants, files and vector stores paths) and `azure-ai-agents-v1.json` ' +
      '(Foundry Agents; it also serves the other v2 operations, e.g. message deletion, which its document lacks).'
  ].join('\n')
}

// ---------------------------------------------------------------------------------------------------------
// The Responses API: its operations on each door of the successor API

/** The doors of the Responses API and the document each is checked against. */
export const RESPONSES_COLUMNS: ReadonlyArray<{ door: Flavour, doc: DocId, title: string }> = [
  { door: 'openai', doc: 'openai-current', title: 'OpenAI `/v1`' },
  { door: 'azure-v1', doc: 'openai-current', title: 'Azure `/openai/v1`' },
  { door: 'azure', doc: 'openai-current', title: 'Azure `/openai` (`2025-03-01-preview` on)' },
  { door: 'foundry', doc: 'foundry-v1', title: 'Foundry `/api/projects/{project}/openai/v1`' }
]

/** Operations of the documents the emulator does not serve, and why. */
const RESPONSES_NOT_SERVED: ReadonlyArray<{ method: string, path: string, reason: string }> = [
  { method: 'POST', path: '/responses/compact', reason: 'compaction is not emulated; Azure lists it as not supported (AZ-RESP)' }
]

export interface ResponsesRow {
  method: string
  path: string
  /** Per door: served, or not. */
  cells: Partial<Record<Flavour, boolean>>
}

export function responsesRows (): ResponsesRow[] {
  const rows = new Map<string, ResponsesRow>()
  for (const { door, doc } of RESPONSES_COLUMNS) {
    for (const op of operationsOf(doc)) {
      const key = `${op.path} ${op.method}`
      const row = rows.get(key) ?? { method: op.method, path: normalisePath(op.path), cells: {} }
      rows.set(key, row)
      row.cells[door] = !RESPONSES_NOT_SERVED.some(n => n.method === op.method && n.path === op.path)
    }
  }
  return [...rows.values()].sort((a, b) => a.path.localeCompare(b.path) || METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method))
}

export function responsesMatrixMarkdown (): string {
  return [
    `| method | path | ${RESPONSES_COLUMNS.map(c => c.title).join(' | ')} |`,
    `|---|---|${RESPONSES_COLUMNS.map(() => '---').join('|')}|`,
    ...responsesRows().map(r => `| ${r.method} | \`${r.path}\` | ${RESPONSES_COLUMNS.map(c => r.cells[c.door] === true ? '✓' : '–').join(' | ')} |`),
    '',
    '✓: served on that door as its document declares it. –: not there (the door\'s own 404). Columns: OpenAI\'s current ' +
      'document (`spec/openai-openapi.yaml`, its `/responses` and `/conversations` paths) for OpenAI and Azure, the same with ' +
      'Foundry\'s additions (`spec/foundry-tsp/`: the two lists) for a Foundry project. Not served anywhere: ' +
      RESPONSES_NOT_SERVED.map(n => `\`${n.method} ${n.path}\` (${n.reason})`).join('; ') + '.'
  ].join('\n')
}
