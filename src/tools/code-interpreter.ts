/**
 * code_interpreter, scripted: the emulator runs no code. A scenario step says what the call's input was, what it
 * printed and which image it made; the image is stored as a file with purpose `assistants_output` (downloadable
 * through `GET /files/{id}/content`, as the service's generated files are) and the call shows it as an `image`
 * output. This module holds the call's wire forms and the generated file's record; the step itself is a
 * `code_interpreter` script step (store/records.ts), played by the run like any other (runs/lifecycle.ts).
 */
import type { CodeInterpreterOutput, FileRecord } from '../store/records.js'

/** The purpose of files the service's tools generate (Azure `FilePurpose`, OpenAI `OpenAIFile.purpose`). */
const GENERATED_FILE_PURPOSE = 'assistants_output'

/** A file a scripted call generates: its name and bytes (read from the fixtures when they load). */
export interface GeneratedFileSource {
  readonly filename: string
  readonly content: Buffer
}

/**
 * The record of a generated file: purpose `assistants_output`, created at `createdAt` (epoch ms), its bytes
 * shared with `source` (records are never changed in place).
 */
export function generatedFileRecord (id: string, createdAt: number, source: GeneratedFileSource): FileRecord {
  return { id, createdAt, filename: source.filename, purpose: GENERATED_FILE_PURPOSE, bytes: source.content.length, content: source.content }
}

/** A code_interpreter output as a run step shows it (OpenAI `RunStepDetailsToolCallsCodeOutput{Logs,Image}Object`). */
type OutputWire = { type: 'logs', logs: string } | { type: 'image', image: { file_id: string } }

/** A run step's code_interpreter tool call (OpenAI `RunStepDetailsToolCallsCodeObject`, Azure `RunStepCodeInterpreterToolCall`). */
export interface CodeInterpreterToolCallWire {
  id: string
  type: 'code_interpreter'
  code_interpreter: { input: string, outputs: OutputWire[] }
}

const outputWire = (output: CodeInterpreterOutput): OutputWire =>
  output.type === 'logs' ? { type: 'logs', logs: output.logs } : { type: 'image', image: { file_id: output.fileId } }

/** The tool call as far as it has happened: the input written so far and, once they are out, the outputs. */
export function presentCodeInterpreterToolCall (callId: string, input: string, outputs: readonly CodeInterpreterOutput[]): CodeInterpreterToolCallWire {
  return { id: callId, type: 'code_interpreter', code_interpreter: { input, outputs: outputs.map(outputWire) } }
}

/** A streamed part of a code_interpreter call (OpenAI `RunStepDeltaStepDetailsToolCallsCodeObject`), at tool call `index`. */
export type CodeInterpreterDeltaWire =
  | { index: number, id: string, type: 'code_interpreter', code_interpreter: { input: string, outputs: [] } }
  | { index: number, type: 'code_interpreter', code_interpreter: { input: string } }
  | { index: number, type: 'code_interpreter', code_interpreter: { outputs: Array<OutputWire & { index: number }> } }

/**
 * The deltas a stream sends for a call, as the service streams them: first the call's header (its id, an empty
 * input and no outputs), then the input in pieces, then the outputs, each with its `index`.
 */
export const codeInterpreterDelta = {
  header: (index: number, callId: string): CodeInterpreterDeltaWire =>
    ({ index, id: callId, type: 'code_interpreter', code_interpreter: { input: '', outputs: [] } }),
  input: (index: number, input: string): CodeInterpreterDeltaWire => ({ index, type: 'code_interpreter', code_interpreter: { input } }),
  outputs: (index: number, outputs: readonly CodeInterpreterOutput[]): CodeInterpreterDeltaWire =>
    ({ index, type: 'code_interpreter', code_interpreter: { outputs: outputs.map((output, i) => ({ index: i, ...outputWire(output) })) } })
}
