// page.test.mjs — the person's page in a real browser: playwright-core
// driving Debian's /usr/bin/chromium (never a downloaded browser) against a
// real `licit serve` on 127.0.0.1 and a free port, started and always
// stopped here.
//
// Usage: node tests/browser/page.test.mjs path/to/licit
// Exit 77 (skipped) when Chromium or tests/browser/node_modules is missing
// (scripts/browser-deps.sh installs both; `make test` runs it).
//
// Checks: the page reads its token from the fragment and shows the person's
// report; a post's explanation opens; "object" is pressed and, after a
// reload, shown honoured; a keyboard-only pass (skip link, the choice
// button, a "Why?" button, all by Tab and Enter); no request leaves the
// server's origin; the page never shows another person's posts; it fits a
// 360-pixel-wide screen, of which a screenshot is saved (page-360.png
// beside the licit binary, or in $LICIT_ARTIFACT_DIR).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = process.env.LICIT_SOURCE_ROOT || path.resolve(here, "../..");
const licit = path.resolve(process.argv[2] || "build/licit");
const CHROMIUM = process.env.LICIT_CHROMIUM || "/usr/bin/chromium";
const require = createRequire(path.join(here, "package.json"));
let chromium;
try {
  ({ chromium } = require("playwright-core"));
} catch (e) {
  console.log("SKIP: playwright-core is not installed (scripts/browser-deps.sh)");
  process.exit(77);
}
if (!fs.existsSync(CHROMIUM)) {
  console.log("SKIP: " + CHROMIUM + " is missing (scripts/browser-deps.sh)");
  process.exit(77);
}

let passed = 0, failed = 0;
function check(name, cond, ...info) {
  if (cond) { passed++; console.log("ok - " + name); }
  else { failed++; console.log("FAIL - " + name); for (const i of info) console.log("    " + String(typeof i === "string" ? i : JSON.stringify(i)).slice(0, 2000)); }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "licit-browser-"));
const store = path.join(tmp, "store");
const L = (...args) => {
  const r = spawnSync(licit, ["--store", store, ...args], { encoding: "utf8" });
  if (r.status !== 0 && r.status !== 3) throw new Error("licit " + args.join(" ") + ": " + r.stderr);
  return r.stdout.trim();
};

L("policy", "set", path.join(root, "examples/policies/meta-genai-mentions.json"));
L("ingest", path.join(root, "examples/events.jsonl"), path.join(root, "examples/events-people.jsonl"));
L("snapshot", "--at", "2025-06-01T00:00:00Z", "--out", path.join(tmp, "corpus-2025-06"), "--name", "corpus-2025-06");
// Ingested after the corpus was built, dated before its T: the chart's row
// for the corpus must still show what the corpus judged, not this post.
const late = path.join(tmp, "late.jsonl");
fs.writeFileSync(late, JSON.stringify({ type: "post", ts: "2025-05-01T00:00:00Z", post: "p-lucia-late", user: "u-lucia",
  visibility: "public", text: "Posted after the corpus was built, dated before it." }) + "\n");
L("ingest", late);
// A person with two linked accounts: one in a region without a choice and
// holding no post, one in France with a public post. The page opened with
// the first account's token shows the person: the post, and the button.
const linked = path.join(tmp, "linked.jsonl");
fs.writeFileSync(linked, [
  { type: "account", ts: "2025-08-01T00:00:00Z", user: "u-sam-us", region: "US", birth_date: "1980-01-01" },
  { type: "account", ts: "2025-08-01T00:00:00Z", user: "u-sam-fr", region: "FR", birth_date: "1980-01-01" },
  { type: "link", ts: "2025-08-01T00:01:00Z", user: "u-sam-us", with: "u-sam-fr" },
  { type: "post", ts: "2025-08-02T00:00:00Z", post: "p-sam-fr-1", user: "u-sam-fr", visibility: "public", text: "Bonjour de Lyon, premier post." },
].map((e) => JSON.stringify(e)).join("\n") + "\n");
L("ingest", linked);
const sam = L("token", "u-sam-us");
const lucia = L("token", "u-lucia");
const jonas = L("token", "u-jonas");

// Who wrote what: the page of one person must not show another's posts.
const posts = {};
for (const f of ["events.jsonl", "events-people.jsonl"])
  for (const line of fs.readFileSync(path.join(root, "examples", f), "utf8").split("\n")) {
    if (!line.trim()) continue;
    const e = JSON.parse(line);
    if (e.type === "post" && e.text && e.text.length >= 12) posts[e.post] = { user: e.user, text: e.text.slice(0, 40) };
  }
// Chain notices are word for word the same for everyone: a text the person
// also posted is not another person's data.
const othersOf = (user) => {
  const own = new Set(Object.values(posts).filter((p) => p.user === user).map((p) => p.text));
  return Object.entries(posts).filter(([, p]) => p.user !== user).map(([id, p]) => [id, { user: p.user, text: own.has(p.text) ? "\u0000" : p.text }]);
};
// page.waitForFunction evaluates strings, which the page's CSP forbids (as
// it should): poll with page.evaluate instead.
async function waitFor(page, fn, arg, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if (await page.evaluate(fn, arg)) return;
    } catch (e) { /* a navigation (the page reloads on a new #token) */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("timed out waiting for " + fn);
}

const server = spawn(licit, ["--store", store, "serve", "--listen", "127.0.0.1:0"], { stdio: ["ignore", "ignore", "pipe"] });
const stopServer = () => { if (server.exitCode === null) server.kill("SIGTERM"); };
process.on("exit", () => { if (server.exitCode === null) server.kill("SIGKILL"); fs.rmSync(tmp, { recursive: true, force: true }); });
const port = await new Promise((resolve, reject) => {
  let err = "";
  const t = setTimeout(() => reject(new Error("licit serve did not start: " + err)), 20000);
  server.stderr.on("data", (d) => {
    err += d;
    const m = /\(port (\d+)\)/.exec(err);
    if (m) { clearTimeout(t); resolve(Number(m[1])); }
  });
});
const base = `http://127.0.0.1:${port}`;

let browser;
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--no-first-run"],
  });
  const ctx = await browser.newContext({ viewport: { width: 1024, height: 900 } });
  const foreign = [];
  await ctx.route("**/*", (route) => {
    const u = route.request().url();
    if (u.startsWith(base + "/") || u.startsWith("blob:") || u.startsWith("data:")) return route.continue();
    foreign.push(u);
    return route.abort();
  });
  const page = await ctx.newPage();
  const consoleErrors = [];
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));

  // 1. The report.
  await page.goto(`${base}/#token=${lucia}`);
  await page.waitForSelector("#answer");
  const answer = await page.textContent("#answer");
  check("the answer comes first", /may be used to train AI now|not used/.test(answer), answer);
  check("region shown in plain words", (await page.textContent("#region")) === "ES" &&
    /you can object/i.test(await page.textContent("section[aria-labelledby=h-choice]")));
  const shown = await page.$$eval("#posts > li", (lis) => lis.map((li) => li.dataset.post));
  const luciaPosts = Object.entries(posts).filter(([, p]) => p.user === "u-lucia").map(([id]) => id);
  check("the person's posts are listed", luciaPosts.every((id) => shown.includes(id)), shown, luciaPosts);
  check("the snapshots that hold the posts, with how to verify", /corpus-2025-06/.test(await page.textContent("#snapshots")) &&
    /licit verify DIR --proof FILE/.test(await page.textContent("main")));
  await page.waitForSelector("#chart svg");
  check("a chart of the posts by decision (inline SVG, labelled)", await page.$eval("#chart svg", (s) => s.getAttribute("role") === "img" && !!s.querySelector("title").textContent));
  {
    const chartTitle = await page.$eval("#chart svg title", (t) => t.textContent);
    const held = /corpus-2025-06[^:]*: holds (\d+) of your posts/.exec(await page.textContent("#snapshots"));
    const row = /corpus-2025-06 \([^)]*\): (\d+) included/.exec(chartTitle);
    check("the chart's row for a corpus shows what that corpus held, not a later back-dated post",
      held && row && row[1] === held[1], chartTitle, held && held[0]);
  }
  check("mentions: counts only", await page.$("#mentions") !== null);
  check("opt-out notices listed and explained", /changes nothing/.test(await page.textContent("main")));
  let body = await page.textContent("main");
  const leaked = othersOf("u-lucia").filter(([id, p]) => body.includes(id) || body.includes(p.text));
  check("the page shows no other person's posts", leaked.length === 0, leaked);

  // 2. A post's explanation.
  const why = page.locator("#posts > li button[aria-expanded]").first();
  await why.click();
  await page.waitForSelector("#posts ol.checks");
  check("\"Why?\" opens the explanation (checks, events' words)", (await why.getAttribute("aria-expanded")) === "true" &&
    /Not deleted/.test(await page.textContent("#posts ol.checks")));

  const proofBtn = page.locator("#posts button.proof").first();
  await proofBtn.click();
  await page.waitForSelector("#posts a[download]");
  const dl = page.waitForEvent("download");
  await page.locator("#posts a[download]").first().click();
  const file = path.join(tmp, "proof.json");
  await (await dl).saveAs(file);
  const verify = spawnSync(licit, ["verify", path.join(tmp, "corpus-2025-06"), "--proof", file], { encoding: "utf8" });
  check("the proof downloaded from the page checks out with licit verify", verify.status === 0, verify.stdout, verify.stderr);

  // 3. Object, reload, honoured.
  const btn = page.locator("#choice-button");
  check("the object button is offered", (await btn.textContent()) === "Object to AI training");
  await btn.click();
  await waitFor(page, () => /objection is saved/.test(document.getElementById("status").textContent));
  check("after pressing: the new state is shown", /You have objected/.test(await page.textContent("#preference")) &&
    (await page.textContent("#choice-button")) === "Withdraw my objection");
  await page.reload();
  await page.waitForSelector("#preference");
  check("after a reload: objected and honoured", /You have objected.*honoured/.test(await page.textContent("#preference")),
    await page.textContent("#preference"));
  check("after a reload: the posts are not used", /not used|None of your/i.test(await page.textContent("#answer")),
    await page.textContent("#answer"));

  // 4. Keyboard only: Tab and Enter.
  await page.reload();
  await page.waitForSelector("#choice-button");
  await page.keyboard.press("Tab");
  check("the first Tab stop is the skip link", await page.evaluate(() => document.activeElement.className === "skip"));
  // Following it moves focus to the content and keeps the page (it used to
  // replace #token=… by #main and reload into "needs your personal link").
  await page.keyboard.press("Enter");
  await page.waitForTimeout(300);
  check("Enter on the skip link focuses the content and keeps the page",
    await page.evaluate(() => document.activeElement.id === "main") && (await page.$("#choice-button")) !== null &&
    /token=/.test(await page.evaluate(() => location.hash)), await page.evaluate(() => location.hash));
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement && document.activeElement.id === "choice-button");
  }
  check("the choice button is reached by Tab", reached);
  await page.keyboard.press("Enter");
  await waitFor(page, () => /choice is withdrawn/.test(document.getElementById("status").textContent));
  check("Enter withdraws the objection; focus goes to the choice's heading",
    await page.evaluate(() => document.activeElement.id === "h-choice") &&
    (await page.textContent("#choice-button")) === "Object to AI training");
  let onWhy = false;
  for (let i = 0; i < 40 && !onWhy; i++) {
    await page.keyboard.press("Tab");
    onWhy = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute("aria-expanded") === "false");
  }
  await page.keyboard.press("Enter");
  await page.waitForSelector("#posts ol.checks");
  check("a \"Why?\" button opens by keyboard", onWhy && await page.evaluate(() => document.activeElement.getAttribute("aria-expanded") === "true"));
  check("every control has a visible focus style", await page.evaluate(() => getComputedStyle(document.activeElement, ":focus-visible").outlineStyle !== "none"));

  // 5. 360 pixels wide.
  await page.setViewportSize({ width: 360, height: 780 });
  await page.reload();
  await page.waitForSelector("#chart svg");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  const wide = await page.evaluate(() => [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > 361).map((e) => e.tagName + "." + e.className + "#" + e.id).slice(0, 5));
  check("nothing wider than a 360-pixel screen", overflow <= 360, overflow, wide);
  const artDir = process.env.LICIT_ARTIFACT_DIR || path.dirname(licit);
  const shot = path.join(artDir, "page-360.png");
  await page.screenshot({ path: shot, fullPage: true });
  check("screenshot saved: " + shot, fs.statSync(shot).size > 10000);

  // 6. A person with linked accounts, seen from the account without a choice.
  await page.goto(`${base}/#token=${sam}`);
  await page.waitForSelector("#answer");
  const samAnswer = await page.textContent("#answer");
  check("a linked person: the answer counts the whole person's posts", /Your post may be used to train AI now/.test(samAnswer), samAnswer);
  check("a linked person: each account's region is shown", (await page.textContent("#region")) === "US" &&
    /u-sam-fr is in FR/.test(await page.textContent("section[aria-labelledby=h-choice]")));
  check("a linked person: the objection button is offered (one choice covers the person)",
    (await page.textContent("#choice-button")) === "Object to AI training");
  await page.click("#choice-button");
  await waitFor(page, () => /objection is saved/.test(document.getElementById("status").textContent));
  check("... and pressing it keeps the linked account's post out",
    /None of your|not used to train AI now/.test(await page.textContent("#answer")) &&
    /you objected/i.test(await page.textContent("#posts")), await page.textContent("#answer"));

  // 7. Another person sees only their own.
  await page.goto(`${base}/#token=${jonas}`);
  await page.waitForSelector("#answer");
  body = await page.textContent("main");
  const leaked2 = othersOf("u-jonas").filter(([id, p]) => body.includes(id) || body.includes(p.text));
  check("another person's page shows only theirs", leaked2.length === 0 && body.includes("u-jonas"), leaked2);
  check("no script errors", consoleErrors.length === 0, consoleErrors);
  await page.goto(`${base}/#token=garbage`);
  await waitFor(page, () => /no longer works/.test(document.getElementById("app").textContent));
  check("a bad token: plain words, no data", true);
  await page.goto(`${base}/`);
  await waitFor(page, () => /personal link/.test(document.getElementById("app").textContent));
  check("no token: says how to open the page", true);

  check("no request left the server's origin", foreign.length === 0, foreign);
} catch (e) {
  check("browser test ran to the end", false, String(e && e.stack || e));
} finally {
  if (browser) await browser.close();
  stopServer();
  await new Promise((r) => (server.exitCode !== null ? r() : server.on("exit", r)));
}
check("the server stopped cleanly", server.exitCode === 0, server.exitCode);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
