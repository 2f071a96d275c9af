// Tokenizes every .policy file of the repository with the real TextMate engine (vscode-textmate
// and the Oniguruma regex library VS Code uses) and checks, against an independent lexer, that
// every comment is a comment, every string literal is a string from quote to quote, every
// declaration keyword is a keyword, and nothing is marked invalid.
const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const root = path.resolve(__dirname, "..", "..", "..");
const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;

function policies(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) policies(p, out);
    else if (e.name.endsWith(".policy")) out.push(p);
  }
  return out;
}

// What the policy lexer sees on one line: [start, end) of comments and strings.
function lexLine(line) {
  const comments = [];
  const strings = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === "/" && line[i + 1] === "/") {
      comments.push([i, line.length]);
      break;
    }
    if (line[i] === '"') {
      const start = i++;
      while (i < line.length && line[i] !== '"') i += line[i] === "\\" ? 2 : 1;
      strings.push([start, Math.min(i + 1, line.length)]);
    }
    i++;
  }
  return { comments, strings };
}

async function main() {
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (s) => new oniguruma.OnigScanner(s),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () =>
      vsctm.parseRawGrammar(fs.readFileSync(path.join(__dirname, "..", "syntaxes", "policy.tmLanguage.json"), "utf8"), "grammar.json"),
  });
  const grammar = await registry.loadGrammar("source.policy");
  const files = ["examples", "tests/fixtures", "tests/invalid", "tests/diff_corpus"].flatMap((d) => policies(path.join(root, d)));
  const problems = [];
  let lines = 0;
  for (const file of files) {
    let state = vsctm.INITIAL;
    const text = fs.readFileSync(file, "utf8").split(/\r?\n/);
    text.forEach((line, n) => {
      const r = grammar.tokenizeLine(line, state);
      state = r.ruleStack;
      lines++;
      const at = (col) => r.tokens.find((t) => t.startIndex <= col && col < t.endIndex);
      const where = `${path.relative(root, file)}:${n + 1}`;
      for (const t of r.tokens) {
        if (t.scopes.some((s) => s.startsWith("invalid")) && !file.includes("tests/invalid")) {
          problems.push(`${where}: invalid token ${JSON.stringify(line.slice(t.startIndex, t.endIndex))}`);
        }
      }
      const { comments, strings } = lexLine(line);
      for (const [s] of comments) {
        if (!at(s).scopes.some((x) => x.startsWith("comment."))) problems.push(`${where}: comment not scoped as a comment`);
      }
      for (const [s, e] of strings) {
        for (let c = s; c < e; c++) {
          if (!at(c).scopes.some((x) => x.startsWith("string."))) {
            problems.push(`${where}:${c + 1}: string literal not scoped as a string`);
            break;
          }
        }
      }
      const m = /^\s*(policy|store|purpose|basis|recipient|condition|state|event|category|storage)\s/.exec(line);
      if (m && !at(line.indexOf(m[1])).scopes.includes("keyword.declaration.policy")) {
        problems.push(`${where}: \`${m[1]}\` not scoped as a declaration keyword`);
      }
    });
  }
  if (problems.length) {
    console.error(problems.slice(0, 40).join("\n"));
    console.error(`${problems.length} problems`);
    process.exit(1);
  }
  console.log(`grammar ok: ${files.length} files, ${lines} lines`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
