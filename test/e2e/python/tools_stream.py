"""Hosted tools with the official Python SDK against the emulator, unmodified, on the shipped example fixtures:
runs.stream with an AssistantEventHandler for a file_search run (on_tool_call_created, on_text_done with its
annotations) and a scripted code_interpreter run (on_tool_call_delta for the code, on_image_file_done), then
files.content to download the chart. Prints one JSON object with what it saw.
Usage: tools_stream.py ENDPOINT FLAVOUR (azure|openai)."""
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
        self.tool_calls = []
        self.code = ""
        self.logs = []
        self.images = []
        self.texts = []

    def on_tool_call_created(self, tool_call):
        self.tool_calls.append(tool_call.type)

    def on_tool_call_delta(self, delta, snapshot):
        if delta.type != "code_interpreter":
            return
        self.code += delta.code_interpreter.input or ""
        for output in delta.code_interpreter.outputs or []:
            if output.type == "logs":
                self.logs.append(output.logs)

    def on_image_file_done(self, image_file):
        self.images.append(image_file.file_id)

    def on_text_done(self, text):
        self.texts.append(text)


result = {}

thread = client.beta.threads.create(messages=[{"role": "user", "content": "How long is the warranty on a tent?"}])
handler = Handler()
with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id="asst_handbook", event_handler=handler) as stream:
    stream.until_done()
text = handler.texts[0]
citations = []
for annotation in text.annotations:
    cited = client.files.retrieve(annotation.file_citation.file_id)
    citations.append({"text": annotation.text, "covers": text.value[annotation.start_index:annotation.end_index] == annotation.text,
                      "file_name": cited.filename})
result["search"] = {"status": handler.get_final_run().status, "tool_calls": handler.tool_calls, "citations": citations,
                    "text": text.value}

thread = client.beta.threads.create(messages=[{"role": "user", "content": "Chart the monthly sales"}])
handler = Handler()
with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id="asst_analyst", event_handler=handler) as stream:
    stream.until_done()
image = client.files.retrieve(handler.images[0])
content = client.files.content(image.id).read()
result["code"] = {"status": handler.get_final_run().status, "tool_calls": handler.tool_calls, "code": handler.code,
                  "logs": handler.logs, "purpose": image.purpose, "bytes": len(content), "png": content[1:4].decode(),
                  "links": [a.type for a in handler.texts[0].annotations]}
print(json.dumps(result))
