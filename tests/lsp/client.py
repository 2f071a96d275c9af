"""Drives `policyc lsp` over stdio with pygls' language client and prints what it answered.

usage: client.py POLICYC MAIN_POLICY SCRIPT_JSON
SCRIPT_JSON lists steps: {"op": "open"|"change"|"hover"|"definition"|"references"|"completion"|
"rename"|"symbols"|"format", "text"?: str, "line"?: int, "character"?: int, "new_name"?: str}.
Prints a JSON list with one result per step (diagnostics for open/change).
"""
import asyncio
import json
import sys
from pathlib import Path

from lsprotocol import types as t
from pygls.lsp.client import LanguageClient


def plain(x):
    """lsprotocol objects as JSON-ready values."""
    from lsprotocol import converters
    return converters.get_converter().unstructure(x)


async def main():
    policyc, main_path, steps = sys.argv[1], Path(sys.argv[2]).resolve(), json.loads(sys.argv[3])
    uri = main_path.as_uri()
    client = LanguageClient("policyc-test", "1")
    published = {}
    arrived = asyncio.Event()

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: t.PublishDiagnosticsParams):
        published[params.uri] = params.diagnostics
        if params.uri == uri:
            arrived.set()

    await client.start_io(policyc, "lsp")
    await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities(), root_uri=main_path.parent.as_uri()))
    client.initialized(t.InitializedParams())
    out = []
    version = 0
    for step in steps:
        op = step["op"]
        pos = t.Position(line=step.get("line", 0), character=step.get("character", 0))
        doc = t.TextDocumentIdentifier(uri=uri)
        if op in ("open", "change"):
            arrived.clear()
            version += 1
            if op == "open":
                client.text_document_did_open(t.DidOpenTextDocumentParams(
                    text_document=t.TextDocumentItem(uri=uri, language_id="policy", version=version, text=step["text"])))
            else:
                client.text_document_did_change(t.DidChangeTextDocumentParams(
                    text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[t.TextDocumentContentChangeWholeDocument(text=step["text"])]))
            await asyncio.wait_for(arrived.wait(), 30)
            out.append(plain(published[uri]))
        elif op == "hover":
            out.append(plain(await client.text_document_hover_async(t.HoverParams(text_document=doc, position=pos))))
        elif op == "definition":
            out.append(plain(await client.text_document_definition_async(t.DefinitionParams(text_document=doc, position=pos))))
        elif op == "references":
            out.append(plain(await client.text_document_references_async(t.ReferenceParams(
                text_document=doc, position=pos, context=t.ReferenceContext(include_declaration=True)))))
        elif op == "completion":
            out.append(plain(await client.text_document_completion_async(t.CompletionParams(text_document=doc, position=pos))))
        elif op == "rename":
            out.append(plain(await client.text_document_rename_async(t.RenameParams(
                text_document=doc, position=pos, new_name=step["new_name"]))))
        elif op == "symbols":
            out.append(plain(await client.text_document_document_symbol_async(t.DocumentSymbolParams(text_document=doc))))
        elif op == "format":
            out.append(plain(await client.text_document_formatting_async(t.DocumentFormattingParams(
                text_document=doc, options=t.FormattingOptions(tab_size=2, insert_spaces=True)))))
    await client.shutdown_async(None)
    client.exit(None)
    await asyncio.sleep(0.2)
    print(json.dumps(out))


asyncio.run(main())
