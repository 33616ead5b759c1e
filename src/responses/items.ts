/**
 * Items: what a request's `input` (and a conversation's `items`) becomes when stored, the texts items count and
 * match as, and the pairing of function calls with their outputs. Pure: stored items are looked up through the
 * functions the caller gives. Every problem is the service's error (errors.ts), naming `input[i]…`.
 */
import { Errors } from '../errors.js'
import type { Ids } from '../ids.js'
import type { InputContent, InputItem } from '../schemas/response.js'
import type { StoredItem } from '../store/records.js'

/** What storing input needs from the tenant: ids, and the stored items an input may refer to. */
export interface ItemContext {
  readonly ids: Ids
  /** A stored item by id (for `item_reference`), or undefined. */
  readonly lookup: (id: string) => StoredItem | undefined
  /** Whether an id was written by a `store: false` response (its items are never stored). */
  readonly unstored: (id: string) => boolean
}

type Json = Record<string, unknown>

/** A wire item as a stored item (records keep every field: StoredItemSchema is open). */
const stored = (fields: { readonly id: string, readonly type: string } & Json): StoredItem => fields

const USER_PARTS = ['input_text', 'input_image', 'input_file', 'scoped_content', 'input_audio']
const ASSISTANT_PARTS = ['output_text', 'refusal']

/** A message's content as stored: a string becomes one text part; parts get the fields the wire always shows. */
function storedContent (role: string, content: string | readonly InputContent[], at: string): Json[] {
  const assistant = role === 'assistant'
  if (typeof content === 'string') {
    return [assistant ? { type: 'output_text', annotations: [], logprobs: [], text: content } : { type: 'input_text', text: content }]
  }
  return content.map((part, j) => {
    const allowed = assistant ? ASSISTANT_PARTS : USER_PARTS
    if (!allowed.includes(part.type)) throw Errors.invalidValue(`${at}.content[${j}]`, part.type, allowed)
    switch (part.type) {
      case 'output_text': return { type: 'output_text', annotations: part.annotations ?? [], logprobs: part.logprobs ?? [], text: part.text }
      case 'input_image': return { ...part, detail: part.detail ?? 'auto' }
      default: return { ...part }
    }
  })
}

/** One input item as stored, with its id (given, or a new one) and status. */
function storedItem (item: InputItem, at: string, context: ItemContext): StoredItem {
  const { ids } = context
  if (!('type' in item) || item.type === undefined || item.type === 'message' || item.type === 'item_reference') {
    if ('role' in item) {
      if (item.role !== 'assistant' && item.phase !== undefined) throw Errors.unknownParameter(`${at}.phase`)
      const message = stored({
        id: item.id ?? ids.next('msg'),
        type: 'message',
        status: item.status ?? 'completed',
        role: item.role,
        content: storedContent(item.role, item.content, at)
      })
      return item.phase === undefined ? message : stored({ ...message, phase: item.phase })
    }
    const found = context.lookup(item.id)
    if (found === undefined) throw Errors.itemNotFound(item.id, context.unstored(item.id), 'input')
    return found
  }
  switch (item.type) {
    case 'function_call':
      return stored({ id: item.id ?? ids.next('fc'), type: 'function_call', status: item.status ?? 'completed', arguments: item.arguments, call_id: item.call_id, name: item.name })
    case 'function_call_output':
      return stored({ id: item.id ?? ids.next('fco'), type: 'function_call_output', status: item.status ?? 'completed', call_id: item.call_id, output: item.output })
    case 'reasoning':
      if (context.lookup(item.id) === undefined && context.unstored(item.id)) throw Errors.itemNotFound(item.id, true, 'input')
      return stored({ ...item })
    case 'file_search_call':
      return stored({ ...item })
  }
}

/**
 * A request's `input` as stored items (a string is one user message), checked against `context`, the items
 * before it: no id twice (`Duplicate item found with id …`).
 */
export function storeInput (input: string | readonly InputItem[] | undefined, context: ItemContext,
  before: readonly StoredItem[] = [], param = 'input'): StoredItem[] {
  if (input === undefined) return []
  const items = typeof input === 'string'
    ? [stored({ id: context.ids.next('msg'), type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text: input }] })]
    : input.map((item, i) => storedItem(item, `${param}[${i}]`, context))
  const seen = new Set(before.map(item => item.id))
  for (const item of items) {
    if (seen.has(item.id)) throw Errors.duplicateItem(item.id)
    seen.add(item.id)
  }
  return items
}

/** A stored item's fields (records keep every field of the wire item). */
const asJson = (item: StoredItem): Json => item

/** The text of content parts (text parts only, one per line). */
function partsText (parts: unknown): string {
  if (typeof parts === 'string') return parts
  if (!Array.isArray(parts)) return ''
  return parts.map(part => {
    const p = part as Json
    return typeof p.text === 'string' ? p.text : typeof p.refusal === 'string' ? p.refusal : ''
  }).filter(text => text !== '').join('\n')
}

/** What an item counts as in a prompt: a message's text, a call as `name(arguments)`, an output, a summary. */
export function itemText (item: StoredItem): string {
  const json = asJson(item)
  switch (item.type) {
    case 'message': return partsText(json.content)
    case 'function_call': return `${String(json.name)}(${String(json.arguments)})`
    case 'function_call_output': return partsText(json.output)
    case 'reasoning': return partsText(json.summary)
    case 'file_search_call': return Array.isArray(json.queries) ? json.queries.join('\n') : ''
    default: return ''
  }
}

/** The text of the last user message among `items`, or null. */
export function lastUserText (items: readonly StoredItem[]): string | null {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = asJson(items[i]!)
    if (item.type === 'message' && item.role === 'user') return partsText(item.content)
  }
  return null
}

/** A function call's output as template text (`{{tool_outputs}}`): the string, or its text parts. */
export const outputText = (item: StoredItem): string => partsText(asJson(item).output)

/**
 * Checks that function calls and their outputs pair up across the context and the new input: every output answers
 * a call (`No tool call found for function call output with call_id …`), every call has an output (`No tool
 * output found for function call …`). Returns the new input's outputs by call id.
 */
export function pairCalls (context: readonly StoredItem[], input: readonly StoredItem[]): Map<string, StoredItem> {
  const all = [...context, ...input]
  const calls = new Set(all.filter(item => item.type === 'function_call').map(item => String(asJson(item).call_id)))
  const answered = new Set(all.filter(item => item.type === 'function_call_output').map(item => String(asJson(item).call_id)))
  const outputs = new Map<string, StoredItem>()
  for (const item of input) {
    if (item.type !== 'function_call_output') continue
    const callId = String(asJson(item).call_id)
    if (!calls.has(callId)) throw Errors.noToolCallForOutput(callId)
    outputs.set(callId, item)
  }
  for (const callId of calls) if (!answered.has(callId)) throw Errors.noToolOutputForCall(callId)
  return outputs
}
