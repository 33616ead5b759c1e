"""Streaming with the official Python SDK against the emulator, unmodified: runs.stream with an
AssistantEventHandler (on_text_delta, on_tool_call_created, until_done) and submit_tool_outputs_stream.
Prints one JSON object with what it saw. Usage: stream_runs.py ENDPOINT FLAVOUR (azure|openai)."""
import json
import sys

from openai import AssistantEventHandler, AzureOpenAI, OpenAI

endpoint, flavour = sys.argv[1], sys.argv[2]
if flavour == "azure":
    client = AzureOpenAI(azure_endpoint=endpoint, api_key="k", api_version="2024-05-01-preview", max_retries=0)
else:
    client = OpenAI(base_url=endpoint + "/v1", api_key="sk-test", max_retries=0)


class Handler(AssistantEventHandler):
    def __init__(self):
        super().__init__()
        self.text = ""
        self.tool_calls = []
        self.events = []

    def on_event(self, event):
        self.events.append(event.event)

    def on_text_delta(self, delta, snapshot):
        self.text += delta.value or ""

    def on_tool_call_created(self, tool_call):
        self.tool_calls.append(tool_call.function.name)


result = {}

assistant = client.beta.assistants.create(model="gpt-4o")
thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hello from Python"}])
handler = Handler()
with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id, event_handler=handler) as stream:
    stream.until_done()
final = handler.get_final_run()
listed = client.beta.threads.messages.list(thread_id=thread.id, limit=1).data[0]
result["reply"] = {"text": handler.text, "status": final.status, "listed": listed.content[0].text.value,
                   "first": handler.events[0], "last": handler.events[-1]}

thread = client.beta.threads.create(messages=[{"role": "user", "content": "What is the weather in Paris?"}])
handler = Handler()
with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id="asst_weather", event_handler=handler) as stream:
    stream.until_done()
waiting = handler.get_final_run()
calls = waiting.required_action.submit_tool_outputs.tool_calls
after = Handler()
with client.beta.threads.runs.submit_tool_outputs_stream(
    thread_id=thread.id, run_id=waiting.id, event_handler=after,
    tool_outputs=[{"tool_call_id": call.id, "output": "18C"} for call in calls],
) as stream:
    stream.until_done()
result["tools"] = {"waiting": waiting.status, "tool_calls": handler.tool_calls,
                   "arguments": [json.loads(call.function.arguments) for call in calls],
                   "status": after.get_final_run().status, "text": after.text}
print(json.dumps(result))
