/**
 * The `openai-poll-after-ms` response header: how long an SDK's poller (`createAndPoll`, `uploadAndPoll`)
 * should wait before asking again. The SDKs sleep for it between polls, and 5 s without it.
 */
import type { FastifyReply } from 'fastify'

const POLL_AFTER_HEADER = 'openai-poll-after-ms'

/** Sets the hint (ms) when there is one; returns `value` for chaining in a route. */
export function withPollHint<T> (reply: FastifyReply, afterMs: number | undefined, value: T): T {
  if (afterMs !== undefined) reply.header(POLL_AFTER_HEADER, afterMs)
  return value
}
