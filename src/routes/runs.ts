/**
 * Run and run-step routes (under /openai and /v1). Run responses tell polling SDKs when the status next
 * changes; with `"stream": true`, create, create-thread-and-run and submit-tool-outputs answer with the
 * run's events instead (routes/run-stream.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { ListQuerySchema, listQuerySchema, listSchema, mapPage } from '../pagination.js'
import {
  CreateRunBodySchema, CreateThreadAndRunBodySchema, IncludeQuerySchema, ModifyRunBodySchema, RunParamsSchema, RunSchema, RunStepSchema,
  StepParamsSchema, SubmitToolOutputsBodySchema, includeQueryProperty
} from '../schemas/run.js'
import { ThreadParamsSchema } from '../schemas/thread.js'
import { pollAfterMs, presentRun, type RunView } from '../services/runs.js'
import { sendRunStream } from './run-stream.js'

const POLL_AFTER_HEADER = 'openai-poll-after-ms'
/** List steps takes the list parameters and `include[]`. */
const ListStepsQuerySchema = listQuerySchema(includeQueryProperty)

const runRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { runs } = app.services
  const withPollHint = (reply: FastifyReply, view: RunView) => {
    reply.header(POLL_AFTER_HEADER, pollAfterMs(view.state, app.clock.now()))
    return view
  }

  /** POST /threads/runs — create a thread and start a run on it */
  app.post('/threads/runs', {
    schema: { body: CreateThreadAndRunBodySchema, response: { 200: RunSchema } }
  }, async (request, reply) => {
    const view = runs.createThreadAndRun(request.body)
    if (request.body.stream === true) return sendRunStream(app, request, reply, view, { withThread: true })
    return presentRun(withPollHint(reply, view), request.apiVersion.generation)
  })

  /** POST /threads/:thread_id/runs — start a run of an assistant on a thread */
  app.post('/threads/:thread_id/runs', {
    schema: { params: ThreadParamsSchema, querystring: IncludeQuerySchema, body: CreateRunBodySchema, response: { 200: RunSchema } }
  }, async (request, reply) => {
    const view = runs.create(request.params.thread_id, request.body)
    if (request.body.stream === true) return sendRunStream(app, request, reply, view)
    return presentRun(withPollHint(reply, view), request.apiVersion.generation)
  })

  /** GET /threads/:thread_id/runs — list a thread's runs */
  app.get('/threads/:thread_id/runs', {
    schema: { params: ThreadParamsSchema, querystring: ListQuerySchema, response: { 200: listSchema(RunSchema) } }
  }, async (request) =>
    mapPage(runs.list(request.params.thread_id, request.query), view => presentRun(view, request.apiVersion.generation)))

  /** GET /threads/:thread_id/runs/:run_id — retrieve a run, its status derived from the clock */
  app.get('/threads/:thread_id/runs/:run_id', {
    schema: { params: RunParamsSchema, response: { 200: RunSchema } }
  }, async (request, reply) =>
    presentRun(withPollHint(reply, runs.get(request.params.thread_id, request.params.run_id)), request.apiVersion.generation))

  /** POST /threads/:thread_id/runs/:run_id — modify a run's metadata */
  app.post('/threads/:thread_id/runs/:run_id', {
    schema: { params: RunParamsSchema, body: ModifyRunBodySchema, response: { 200: RunSchema } }
  }, async (request, reply) => {
    const view = runs.modify(request.params.thread_id, request.params.run_id, request.body.metadata)
    return presentRun(withPollHint(reply, view), request.apiVersion.generation)
  })

  /** POST /threads/:thread_id/runs/:run_id/submit_tool_outputs — answer a run's pending tool calls */
  app.post('/threads/:thread_id/runs/:run_id/submit_tool_outputs', {
    schema: { params: RunParamsSchema, body: SubmitToolOutputsBodySchema, response: { 200: RunSchema } }
  }, async (request, reply) => {
    const view = runs.submitToolOutputs(request.params.thread_id, request.params.run_id, request.body)
    if (request.body.stream === true) return sendRunStream(app, request, reply, view)
    return presentRun(withPollHint(reply, view), request.apiVersion.generation)
  })

  /** POST /threads/:thread_id/runs/:run_id/cancel — cancel a queued, in-progress or waiting run */
  app.post('/threads/:thread_id/runs/:run_id/cancel', {
    schema: { params: RunParamsSchema, response: { 200: RunSchema } }
  }, async (request, reply) =>
    presentRun(withPollHint(reply, runs.cancel(request.params.thread_id, request.params.run_id)), request.apiVersion.generation))

  /** GET /threads/:thread_id/runs/:run_id/steps — list a run's steps */
  app.get('/threads/:thread_id/runs/:run_id/steps', {
    schema: { params: RunParamsSchema, querystring: ListStepsQuerySchema, response: { 200: listSchema(RunStepSchema) } }
  }, async (request) => runs.listSteps(request.params.thread_id, request.params.run_id, request.query))

  /** GET /threads/:thread_id/runs/:run_id/steps/:step_id — retrieve a run step */
  app.get('/threads/:thread_id/runs/:run_id/steps/:step_id', {
    schema: { params: StepParamsSchema, querystring: IncludeQuerySchema, response: { 200: RunStepSchema } }
  }, async (request) => runs.getStep(request.params.thread_id, request.params.run_id, request.params.step_id))
}

export default runRoutes
