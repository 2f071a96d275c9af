// Starts `policyc lsp` for .policy files: diagnostics, hover, definition, references,
// completion, rename, document symbols and formatting all come from the language server.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("policyc").get("path") || "policyc";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "policyc",
    "policyc",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "policy" }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
