"""The official `openai` Python package and the Responses API of a running emulator.

Usage: python responses_flow.py openai|azure-v1 ENDPOINT API_KEY
  openai:   OpenAI(base_url=ENDPOINT + "/v1")
  azure-v1: AzureOpenAI(base_url=ENDPOINT + "/openai/v1", api_version="preview")

The emulator must be seeded with fixtures/migration.json. Prints one JSON object with what each flow observed;
the tap test (test/e2e/python-responses.test.ts) asserts on it. An unexpected exception exits non-zero.
"""
import json
import sys
import time

from openai import AzureOpenAI, NotFoundError, OpenAI

WEATHER = {
    "type": "function",
    "name": "get_weather",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"], "additionalProperties": False},
    "strict": True,
}


def make_client(door, endpoint, api_key):
    if door == "azure-v1":
        return AzureOpenAI(base_url=endpoint + "/openai/v1", api_key=api_key, api_version="preview", max_retries=0)
    return OpenAI(base_url=endpoint + "/v1", api_key=api_key, max_retries=0)


def main():
    door, endpoint, api_key = sys.argv[1:4]
    client = make_client(door, endpoint, api_key)
    report = {}

    created = client.responses.create(model="gpt-4o", input="Hello from Python")
    report["create"] = {"status": created.status, "text": created.output_text, "usage": created.usage.total_tokens}

    deltas = []
    types = []
    with client.responses.stream(model="gpt-4o", input="Stream from Python") as stream:
        for event in stream:
            types.append(event.type)
            if event.type == "response.output_text.delta":
                deltas.append(event.delta)
        final = stream.get_final_response()
    report["stream"] = {"first": types[0], "last": types[-1], "deltas": "".join(deltas), "text": final.output_text, "status": final.status}

    asked = client.responses.create(model="gpt-4o", input="What is the weather in Lisbon?", tools=[WEATHER])
    call = next(item for item in asked.output if item.type == "function_call")
    answered = client.responses.create(
        model="gpt-4o", previous_response_id=asked.id, tools=[WEATHER],
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": "19°C"}],
    )
    report["function_calls"] = {"name": call.name, "arguments": json.loads(call.arguments), "answer": answered.output_text}

    background = client.responses.create(model="gpt-4o", input="Later", background=True)
    queued = background.status
    while background.status in ("queued", "in_progress"):
        time.sleep(0.02)
        background = client.responses.retrieve(background.id)
    report["background"] = {"first": queued, "last": background.status}

    conversation = client.conversations.create(items=[{"type": "message", "role": "user", "content": "Hi"}], metadata={"lang": "python"})
    in_conversation = client.responses.create(model="gpt-4o", conversation=conversation.id, input="And?")
    items = [item.type for item in client.conversations.items.list(conversation.id, order="asc", limit=1)]
    updated = client.conversations.update(conversation.id, metadata={"lang": "py"})
    client.conversations.delete(conversation.id)
    try:
        client.conversations.retrieve(conversation.id)
        gone = None
    except NotFoundError as err:
        gone = err.status_code
    report["conversations"] = {
        "response_conversation": in_conversation.conversation.id == conversation.id,
        "items": items,
        "metadata": updated.metadata,
        "gone": gone,
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
