/**
 * Run and run-step routes. Run responses tell polling SDKs when the status next changes; with `"stream": true`, create, create-thread-and-run and submit-tool-outputs answer with the
 * run's events instead (routes/run-stream.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { withPollHint } from '../http/poll-hint.js'
import { ListQuerySchema, listQuerySchema, listSchema, mapPage } from '../pagination.js'
import { presentRun, presentStep, type RunView } from '../presenters/run.js'
import {
  CreateRunBodySchema, CreateThreadAndRunBodySchema, IncludeQuerySchema, ModifyRunBodySchema, RunParamsSchema, RunSchema, RunStepSchema,
  StepParamsSchema, SubmitToolOutputsBodySchema, includeQueryProperty, includesSearchContent
} from '../schemas/run.js'
import { ThreadParamsSchema } from '../schemas/thread.js'
import { pollAfterMs } from '../services/runs.js'
import { sendRunStream } from './run-stream.js'
/** List steps takes the list parameters and `include[]`. */
const ListStepsQuerySchema = listQuerySchema(includeQueryProperty)

const runRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { clock } = app.runtime
  /** The run as the request's api-version shows it, with when to poll it next. */
  const answer = (reply: FastifyReply, view: RunView, generation: 'v1' | 'v2') =>
    withPollHint(reply, pollAfterMs(view.state, clock.now()), presentRun(view, generation))

  /** POST /threads/runs — create a thread and start a run on it */
  app.post('/threads/runs', {
    schema: { body: CreateThreadAndRunBodySchema, response: { 200: RunSchema } }
  }, async (request, reply) => {
    await request.tenant.services.runs.warmSearch(null, request.body)
    const view = request.tenant.services.runs.createThreadAndRun(request.body, request.apiVersion.flavour)
    if (request.body.stream === true) return sendRunStream(request, reply, view, { withThread: true })
    return answer(reply, view, request.apiVersion.generation)
  })

  /** POST /threads/:thread_id/runs — start a run of an assistant on a thread */
  app.post('/threads/:thread_id/runs', {
    schema: { params: ThreadParamsSchema, querystring: IncludeQuerySchema, body: CreateRunBodySchema, response: { 200: RunSchema } }
  }, async (request, reply) => {
    await request.tenant.services.runs.warmSearch(request.params.thread_id, request.body)
    const view = request.tenant.services.runs.create(request.params.thread_id, request.body, request.apiVersion.flavour)
    if (request.body.stream === true) return sendRunStream(request, reply, view)
    return answer(reply, view, request.apiVersion.generation)
  })

  /** GET /threads/:thread_id/runs — list a thread's runs */
  app.get('/threads/:thread_id/runs', {
    schema: { params: ThreadParamsSchema, querystring: ListQuerySchema, response: { 200: listSchema(RunSchema) } }
  }, async (request) =>
    mapPage(request.tenant.services.runs.list(request.params.thread_id, request.query), view => presentRun(view, request.apiVersion.generation)))

  /** GET /threads/:thread_id/runs/:run_id — retrieve a run, its status derived from the clock */
  app.get('/threads/:thread_id/runs/:run_id', {
    schema: { params: RunParamsSchema, response: { 200: RunSchema } }
  }, async (request, reply) =>
    answer(reply, request.tenant.services.runs.get(request.params.thread_id, request.params.run_id), request.apiVersion.generation))

  /** POST /threads/:thread_id/runs/:run_id — modify a run's metadata */
  app.post('/threads/:thread_id/runs/:run_id', {
    schema: { params: RunParamsSchema, body: ModifyRunBodySchema, response: { 200: RunSchema } }
  }, async (request, reply) => {
    const view = request.tenant.services.runs.modify(request.params.thread_id, request.params.run_id, request.body.metadata)
    return answer(reply, view, request.apiVersion.generation)
  })

  /** POST /threads/:thread_id/runs/:run_id/submit_tool_outputs — answer a run's pending tool calls */
  app.post('/threads/:thread_id/runs/:run_id/submit_tool_outputs', {
    schema: { params: RunParamsSchema, body: SubmitToolOutputsBodySchema, response: { 200: RunSchema } }
  }, async (request, reply) => {
    const view = request.tenant.services.runs.submitToolOutputs(request.params.thread_id, request.params.run_id, request.body)
    if (request.body.stream === true) return sendRunStream(request, reply, view)
    return answer(reply, view, request.apiVersion.generation)
  })

  /** POST /threads/:thread_id/runs/:run_id/cancel — cancel a queued, in-progress or waiting run */
  app.post('/threads/:thread_id/runs/:run_id/cancel', {
    schema: { params: RunParamsSchema, response: { 200: RunSchema } }
  }, async (request, reply) =>
    answer(reply, request.tenant.services.runs.cancel(request.params.thread_id, request.params.run_id), request.apiVersion.generation))

  /** GET /threads/:thread_id/runs/:run_id/steps — list a run's steps */
  app.get('/threads/:thread_id/runs/:run_id/steps', {
    schema: { params: RunParamsSchema, querystring: ListStepsQuerySchema, response: { 200: listSchema(RunStepSchema) } }
  }, async (request) => {
    const how = { generation: request.apiVersion.generation, includeSearchContent: includesSearchContent(request.query) }
    return mapPage(request.tenant.services.runs.listSteps(request.params.thread_id, request.params.run_id, request.query),
      ({ record, step }) => presentStep(record, step, how))
  })

  /** GET /threads/:thread_id/runs/:run_id/steps/:step_id — retrieve a run step */
  app.get('/threads/:thread_id/runs/:run_id/steps/:step_id', {
    schema: { params: StepParamsSchema, querystring: IncludeQuerySchema, response: { 200: RunStepSchema } }
  }, async (request) => {
    const { record, step } = request.tenant.services.runs.getStep(request.params.thread_id, request.params.run_id, request.params.step_id)
    return presentStep(record, step, { generation: request.apiVersion.generation, includeSearchContent: includesSearchContent(request.query) })
  })
}

export default runRoutes
