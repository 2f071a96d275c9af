// Takes docs/editor.png: VS Code (code-server, in Chromium) with the policyc extension, showing
// the language server's hover on a category and its warning on an unused recipient. Nothing is
// mocked: the extension built from editors/vscode starts the real `policyc lsp`.
//
//   cd editors/vscode && npm ci && npm run package      # policyc.vsix
//   cargo build                                          # target/debug/policyc
//   cd editors/screenshot && npm ci
//   CODE_SERVER=/path/to/code-server CHROMIUM=/usr/bin/chromium node shoot.mjs
//
// CODE_SERVER is a code-server executable (`npm i -g code-server`), or its `out/node/entry.js`
// (run with this node). POLICYC defaults to target/debug/policyc, OUT to docs/editor.png.

import { chromium } from "playwright-core";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, copyFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const policyc = resolve(process.env.POLICYC ?? join(root, "target/debug/policyc"));
const vsix = join(root, "editors/vscode/policyc.vsix");
const out = resolve(process.env.OUT ?? join(root, "docs/editor.png"));
const codeServer = process.env.CODE_SERVER;
if (!codeServer) throw new Error("set CODE_SERVER to a code-server executable or its out/node/entry.js");
for (const f of [policyc, vsix]) if (!existsSync(f)) throw new Error(`${f} is missing (see the top of this script)`);

// `entry.js` runs under this node; an executable runs as it is.
const cs = (args, opts) =>
  codeServer.endsWith(".js")
    ? spawn(process.execPath, [codeServer, ...args], opts)
    : spawn(codeServer, args, opts);

const freePort = () =>
  new Promise((ok) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

const tmp = mkdtempSync(join(tmpdir(), "policyc-shot-"));
const userData = join(tmp, "user");
const extensions = join(tmp, "extensions");
const workspace = join(tmp, "helpdesk");
mkdirSync(join(userData, "User"), { recursive: true });
mkdirSync(workspace);
copyFileSync(join(here, "demo.policy"), join(workspace, "helpdesk.policy"));
writeFileSync(
  join(userData, "User/settings.json"),
  JSON.stringify({
    "policyc.path": policyc,
    "workbench.colorTheme": "Default Dark Modern",
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.activityBar.location": "hidden",
    "workbench.layoutControl.enabled": false,
    "workbench.editor.showTabs": "single",
    "window.commandCenter": false,
    "security.workspace.trust.enabled": false,
    "telemetry.telemetryLevel": "off",
    "extensions.ignoreRecommendations": true,
    "chat.disableAIFeatures": true,
    "editor.minimap.enabled": false,
    "editor.fontSize": 14,
    "editor.hover.delay": 100,
    "editor.hover.above": false,
    "breadcrumbs.enabled": false,
  }),
);

const base = ["--user-data-dir", userData, "--extensions-dir", extensions];
const install = cs([...base, "--install-extension", vsix], { stdio: "inherit" });
await new Promise((ok, fail) => install.on("exit", (c) => (c === 0 ? ok() : fail(new Error(`install: ${c}`)))));

const port = await freePort();
const server = cs([...base, "--auth", "none", "--bind-addr", `127.0.0.1:${port}`, "--disable-telemetry", "--disable-update-check", workspace], {
  stdio: ["ignore", "inherit", "inherit"],
  detached: true,
});
const stop = () => {
  try {
    process.kill(-server.pid);
  } catch {}
};
process.on("exit", stop);

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  for (let i = 0; ; i++) {
    try {
      await page.goto(url);
      break;
    } catch (e) {
      if (i > 60) throw e;
      await page.waitForTimeout(500);
    }
  }
  await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
  await page.waitForTimeout(2000);

  // Open the policy from the explorer, then hide the side bar to give the editor the room.
  await page.locator(".explorer-folders-view .monaco-list-row", { hasText: "helpdesk.policy" }).click({ timeout: 60000 });
  await page.waitForSelector(".view-lines", { timeout: 30000 });
  await page.keyboard.press("Control+B");

  // The Problems panel lists the server's diagnostic with its code and hint.
  await page.keyboard.press("Control+Shift+M");
  await page.waitForSelector(".markers-panel .monaco-list-row", { timeout: 60000 });
  // Back in the editor, at the end of the file: the squiggle under the unused recipient.
  await page.locator(".view-lines").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("Control+End");
  await page.waitForSelector(".squiggly-warning", { timeout: 60000 });
  // Hover the category's name: the server describes it.
  const name = page.locator(".view-line span span", { hasText: /^ticket$/ }).first();
  const box = await name.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForSelector(".monaco-hover .hover-contents, .monaco-hover .markdown-hover", { timeout: 30000 });
  await page.waitForTimeout(800);
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} catch (e) {
  // What the browser showed when a step failed.
  const pages = browser.contexts().flatMap((c) => c.pages());
  if (pages[0]) await pages[0].screenshot({ path: join(tmp, "failed.png") });
  console.error(`failed; the page is in ${join(tmp, "failed.png")}`);
  throw e;
} finally {
  await browser.close();
  stop();
}
