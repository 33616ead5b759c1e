/**
 * The kinds the inspector shows, in the navigation's order. A new kind is one more InspectorKind here: its list,
 * its view and its children; the page needs no change.
 */
import type { AnyKind } from '../kind.js'
import { assistants } from './assistants.js'
import { files } from './files.js'
import { requests } from './requests.js'
import { conversations, responses } from './responses.js'
import { threads } from './threads.js'
import { vectorStores } from './vector-stores.js'

export const KINDS: readonly AnyKind[] = [threads, assistants, files, vectorStores, responses, conversations, requests]
