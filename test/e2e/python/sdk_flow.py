"""The official `openai` Python package against a running emulator, as an application's test would use it.

Usage: python sdk_flow.py azure|openai ENDPOINT API_KEY
  azure:  AzureOpenAI(azure_endpoint=ENDPOINT, api_version="2024-05-01-preview")
  openai: OpenAI(base_url=ENDPOINT + "/v1")

The emulator must be seeded with fixtures/weather.json (asst_weather) and accept only API_KEY. Prints one JSON
object with what each flow observed; the tap test (test/e2e/python-sdk.test.ts) asserts on it. An unexpected
exception exits non-zero with its traceback on stderr.
"""
import json
import sys
import time
import warnings

import openai
from openai import AuthenticationError, AzureOpenAI, NotFoundError, OpenAI

# The SDK marks the Assistants API deprecated in favour of Responses; the warnings are noise here.
warnings.simplefilter("ignore", DeprecationWarning)

API_VERSION = "2024-05-01-preview"
# Small enough that a file batch that completes after the emulator's processing time is seen at once.
POLL_MS = 20


def make_client(flavour, endpoint, api_key):
    # max_retries=0: a retried 5xx or connection error would hide a failure behind a slower pass.
    if flavour == "azure":
        return AzureOpenAI(azure_endpoint=endpoint, api_key=api_key, api_version=API_VERSION, max_retries=0)
    return OpenAI(base_url=endpoint + "/v1", api_key=api_key, max_retries=0)


def text_of(message):
    return message.content[0].text.value


def create_and_poll(client):
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Say hi"}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    messages = client.beta.threads.messages.list(thread_id=thread.id)
    return {
        "status": run.status,
        "run_id": run.id,
        "reply_run_id": messages.data[0].run_id,
        "roles": [m.role for m in messages.data],
        "reply": text_of(messages.data[0]),
        "usage_total": run.usage.total_tokens if run.usage else None,
    }


def tool_outputs(client):
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "What is the weather like?"}])
    waiting = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id="asst_weather")
    call = waiting.required_action.submit_tool_outputs.tool_calls[0]
    done = client.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=waiting.id, thread_id=thread.id, tool_outputs=[{"tool_call_id": call.id, "output": "18°C, sunny"}])
    reply = client.beta.threads.messages.list(thread_id=thread.id, limit=1).data[0]
    steps = client.beta.threads.runs.steps.list(run_id=done.id, thread_id=thread.id, order="asc")
    return {
        "waiting_status": waiting.status,
        "action_type": waiting.required_action.type,
        "function": call.function.name,
        "arguments": json.loads(call.function.arguments),
        "status": done.status,
        "same_run": done.id == waiting.id,
        "reply": text_of(reply),
        "step_types": [s.type for s in steps.data],
    }


def pagination(client):
    thread = client.beta.threads.create()
    for i in range(45):
        client.beta.threads.messages.create(thread_id=thread.id, role="user", content=f"message {i}")
    first_page = client.beta.threads.messages.list(thread_id=thread.id, limit=10, order="asc")
    seen = [text_of(m) for m in first_page]  # iterating a page follows `after` through every page
    pages = 0
    page = first_page
    while page is not None:
        pages += 1
        page = page.get_next_page() if page.has_next_page() else None
    return {"count": len(seen), "first": seen[0], "last": seen[-1], "distinct": len(set(seen)), "pages": pages}


def not_found(client):
    try:
        client.beta.threads.retrieve(thread_id="thread_doesnotexist")
    except NotFoundError as err:
        return {"status": err.status_code, "body": err.body}
    return {"status": None}


def authentication(flavour, endpoint):
    client = make_client(flavour, endpoint, "wrong-key")
    try:
        client.beta.assistants.list()
    except AuthenticationError as err:
        return {"status": err.status_code, "body": err.body}
    return {"status": None}


def files(client):
    uploaded = client.files.create(file=("notes.txt", b"The emulator keeps files in memory.\n"), purpose="assistants")
    content = client.files.content(uploaded.id).read().decode()
    store = client.vector_stores.create(name="python-sdk")
    batch = client.vector_stores.file_batches.upload_and_poll(
        vector_store_id=store.id,
        files=[("a.md", b"# A\n"), ("b.txt", b"bee\n")],
        file_ids=[uploaded.id],
        poll_interval_ms=POLL_MS,
    )
    listed = client.vector_stores.file_batches.list_files(batch_id=batch.id, vector_store_id=store.id)
    store_after = client.vector_stores.retrieve(vector_store_id=store.id)
    return {
        "uploaded": {"bytes": uploaded.bytes, "filename": uploaded.filename, "purpose": uploaded.purpose},
        "content": content,
        "batch_status": batch.status,
        "batch_counts": batch.file_counts.to_dict(),
        "listed": sorted(f.status for f in listed),
        "store_status": store_after.status,
        "store_completed": store_after.file_counts.completed,
    }


def main():
    flavour, endpoint, api_key = sys.argv[1:4]
    client = make_client(flavour, endpoint, api_key)
    timings = {}

    def timed(name, fn, *args):
        started = time.perf_counter()
        result = fn(*args)
        timings[name] = round((time.perf_counter() - started) * 1000)
        return result

    report = {
        "openai_version": openai.__version__,
        "python_version": sys.version.split()[0],
        "create_and_poll": timed("create_and_poll", create_and_poll, client),
        "tool_outputs": timed("tool_outputs", tool_outputs, client),
        "pagination": timed("pagination", pagination, client),
        "not_found": timed("not_found", not_found, client),
        "authentication": timed("authentication", authentication, flavour, endpoint),
        "files": timed("files", files, client),
        "timings_ms": timings,
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
