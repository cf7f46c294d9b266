#!/usr/bin/env node
// Browser smoke test of the schedule page with playwright-core and the system Chromium (no browser download).
// It exercises the stable test hooks the Playwright suite relies on, the way that suite would.
//
//   node scripts/fake-server.mjs &  node scripts/smoke.mjs                      (fake API, full run)
//   BASE_URL=http://127.0.0.1:8000 LOGIN=doctor@example.com PASSWORD=medic-demo node scripts/smoke.mjs
//   (real Django: logs in first; the same steps, on the demo doctor's data — it saves Monday and Tuesday)
import { chromium } from "playwright-core";

const BASE = process.env.BASE_URL ?? "http://127.0.0.1:4173";
const FAKE = !process.env.LOGIN;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--headless=new", "--disable-gpu"],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
const problems = [];
page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && problems.push(`console: ${m.text()}`));
page.on("response", (r) => r.status() >= 500 && problems.push(`HTTP ${r.status()} ${r.url()}`));

let failures = 0;
async function step(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (error) {
    failures++;
    console.log(`FAIL ${name}\n     ${String(error.message ?? error).split("\n").slice(0, 6).join("\n     ")}`);
    await page.screenshot({ path: `/tmp/smoke-fail-${failures}.png` }).catch(() => {});
  }
}
const expectText = async (locator, pattern, timeout = 5000) => {
  const deadline = Date.now() + timeout;
  let last = "";
  while (Date.now() < deadline) {
    last = (await locator.innerText().catch(() => "")) ?? "";
    if (pattern.test(last)) return last;
    await page.waitForTimeout(100);
  }
  throw new Error(`expected ${pattern} in ${JSON.stringify(last)}`);
};
/** How a test sets a time: fill the input (it is a normal text input, HH:MM) and press Enter. */
async function setTime(testId, value) {
  const input = page.getByTestId(testId);
  await input.click();
  await input.fill(value);
  await input.press("Enter");
}

// Real server: remember the doctor's stored "All services" week, put it back at the end.
const snapshot = () => page.evaluate(() => fetch("/api/doctor/schedule/rules").then((r) => r.json()));
const restore = (stored) =>
  page.evaluate(async (stored) => {
    const csrf = document.cookie.match(/csrftoken=([^;]+)/)?.[1] ?? "";
    const response = await fetch("/api/doctor/schedule/rules/bulk_upsert", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ scope: stored.scope, days: stored.days, replaceMode: "replace_selected_days" }),
    });
    return response.status;
  }, stored);
let stored = null;

if (!FAKE) {
  await page.goto(`${BASE}/accounts/login/?next=/doctor/schedule`);
  await page.getByLabel(/email/i).fill(process.env.LOGIN);
  await page.getByLabel(/password/i).fill(process.env.PASSWORD ?? "medic-demo");
  await Promise.all([page.waitForURL(/doctor\/schedule/), page.getByRole("button", { name: /log in|sign in/i }).click()]);
  stored = await snapshot();
} else {
  await fetch(`${BASE}/api/_fake/reset`, { method: "POST", headers: { "X-CSRFToken": "fake-csrf-token" } });
  await page.goto(`${BASE}/doctor/schedule`);
}

await step("weekly hours grid renders, with day rows", async () => {
  await page.getByTestId("weekly-hours").waitFor();
  await expectText(page.getByTestId("weekly-day-1"), /Mon/);
  if (FAKE) {
    await expectText(page.getByTestId("weekly-day-1"), /09:00–17:00/);
    await expectText(page.getByTestId("weekly-day-6"), /Not available/);
  }
});

await step("tabs are 'Weekly hours' and 'Time off'", async () => {
  await page.getByRole("tab", { name: "Weekly hours" }).waitFor();
  await page.getByRole("tab", { name: "Time off" }).waitFor();
});

const dialog = page.getByRole("dialog", { name: "Edit weekly hours" });

await step("'Add slot' opens the dialog", async () => {
  await page.getByRole("button", { name: "Add slot" }).click();
  await dialog.waitFor();
  await page.getByRole("button", { name: "Mon", exact: true }).waitFor();
});

await step("Monday on, window 1 set to 10:00–16:00 by typing, preview counts it", async () => {
  const toggle = page.getByRole("switch", { name: "Available on Monday" });
  if ((await toggle.getAttribute("aria-checked")) !== "true") await toggle.click();
  await setTime("window-0-0-start", "10:00");
  await setTime("window-0-0-end", "16:00");
  // 10:00–16:00 at 30 min = 12 slots, minus the 13:00–14:00 lunch on the demo data = 10.
  const text = await expectText(page.getByTestId("preview-summary"), /^Creates \d+ slots$/);
  await page.locator('[data-testid="preview-summary"][aria-busy="false"]').waitFor();
  if (FAKE && !/Creates 10 slots/.test(await page.getByTestId("preview-summary").innerText())) throw new Error(text);
});

await step("interval select is reachable by its test id", async () => {
  await page.getByTestId("window-0-0-interval").click();
  await page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden)").getByText("15 min", { exact: true }).click();
  await expectText(page.getByTestId("window-0-0-interval"), /15 min/);
  await page.locator('[data-testid="preview-summary"][aria-busy="false"]').waitFor();
  if (FAKE) await expectText(page.getByTestId("preview-summary"), /^Creates 20 slots$/);
});

await step("an end before the start shows END_BEFORE_START under the field, before any request", async () => {
  await setTime("window-0-0-end", "08:00");
  await expectText(dialog.locator(".ant-form-item-explain-error").first(), /End after the start/);
  await setTime("window-0-0-end", "16:00");
  await page.waitForTimeout(200);
  if ((await dialog.locator(".ant-form-item-explain-error").count()) !== 0) throw new Error("error did not clear");
});

await step("'Add window' and 'Add break' add fields with their test ids", async () => {
  await page.getByRole("button", { name: "Add window" }).click();
  await page.getByTestId("window-0-1-start").waitFor();
  await setTime("window-0-1-start", "17:00");
  await setTime("window-0-1-end", "19:00");
  await page.getByRole("button", { name: "Add break" }).nth(1).click();
  await page.getByTestId("break-0-1-0-start").waitFor();
  await setTime("break-0-1-0-start", "18:00");
  await setTime("break-0-1-0-end", "18:30");
  await page.locator('[data-testid="preview-summary"][aria-busy="false"]').waitFor();
  // The new window copies the previous one's 15 min interval: 17:00–19:00 minus 18:00–18:30 = 6 slots, 26 in all.
  if (FAKE) await expectText(page.getByTestId("preview-summary"), /^Creates 26 slots$/);
});

await step("day chip names are unique in the dialog even without exact matching", async () => {
  for (const day of ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]) {
    const count = await dialog.getByRole("button", { name: day }).count();
    if (count !== 1) throw new Error(`getByRole("button", { name: "${day}" }) matches ${count} elements`);
  }
});

await step("a break outside its window is flagged on the break", async () => {
  await setTime("break-0-1-0-start", "20:00");
  await setTime("break-0-1-0-end", "20:30");
  await expectText(dialog.locator(".ant-form-item-explain-error").first(), /Keep the break within its window/);
  await page.getByTestId("window-0-1").getByRole("button", { name: "Remove break 1 of window 2" }).click();
  await page.waitForTimeout(200);
  if ((await dialog.locator(".ant-form-item-explain-error").count()) !== 0) throw new Error("error stayed after removing the break");
});

await step("'Copy to…' → 'Weekdays' asks, then copies Monday to Tue–Fri", async () => {
  await page.getByRole("button", { name: "Copy to…" }).click();
  await page.getByRole("button", { name: "Weekdays" }).click();
  // Tue–Fri hold other (stored) windows: the doctor is asked before they are replaced.
  const confirm = page.locator(".ant-modal-confirm").filter({ hasText: "Replace the hours of Tuesday, Wednesday, Thursday and Friday?" });
  await confirm.waitFor();
  await confirm.getByRole("button", { name: "Replace" }).click();
  await page.getByRole("button", { name: "Fri", exact: true }).click();
  await page.getByTestId("window-4-1-start").waitFor();
  if ((await page.getByTestId("window-4-0-start").inputValue()) !== "10:00") throw new Error("Friday not copied");
  await page.getByRole("button", { name: "Mon", exact: true }).click();
});

await step("the per-day switch greys a day and keeps its values", async () => {
  await page.getByRole("button", { name: "Sat", exact: true }).click();
  const sat = page.getByRole("switch", { name: "Available on Saturday" });
  await sat.click();
  await page.getByTestId("window-5-0-start").waitFor();
  await sat.click();
  await expectText(dialog.locator(".day-editor"), /Not available/);
  if (!(await page.getByTestId("window-5-0-start").isDisabled())) throw new Error("off day still editable");
  await page.getByRole("button", { name: "Mon", exact: true }).click();
});

if (FAKE) {
  await step("a server-only 422 lands on its field (setError) and selects the day", async () => {
    await setTime("window-0-1-start", "04:00");
    await setTime("window-0-1-end", "05:00");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expectText(dialog.locator(".ant-form-item-explain-error").first(), /refuses 04:00/);
    await setTime("window-0-1-start", "17:00");
    await setTime("window-0-1-end", "19:00");
    await page.waitForTimeout(200);
    if ((await dialog.locator(".ant-form-item-explain-error").count()) !== 0) throw new Error("server error did not clear after the edit");
  });

  await step("409 SCHEDULE_CHANGED offers 'Reload latest', which reloads the form", async () => {
    await page.evaluate(() => fetch("/api/_fake/bump", { method: "POST", headers: { "X-CSRFToken": "fake-csrf-token" } }));
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await dialog.getByRole("button", { name: "Reload latest" }).click();
    await expectText(dialog.locator(".add-slot-footer"), /No changes yet/);
    if ((await page.getByTestId("window-0-0-start").inputValue()) !== "09:00") throw new Error("form not reset to the stored hours");
  });
}

await step("Save stores the edited day, closes the dialog and refreshes the grid", async () => {
  await page.getByRole("button", { name: "Tue", exact: true }).click();
  const tue = page.getByRole("switch", { name: "Available on Tuesday" });
  if ((await tue.getAttribute("aria-checked")) !== "true") await tue.click();
  await setTime("window-1-0-start", "08:00");
  await setTime("window-1-0-end", "15:00");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await dialog.waitFor({ state: "hidden" });
  await expectText(page.getByTestId("weekly-day-2"), /08:00–15:00/);
});

await step("closing with unsaved changes asks first", async () => {
  await page.getByRole("button", { name: "Add slot" }).click();
  await dialog.waitFor();
  await page.getByRole("button", { name: "Sun", exact: true }).click();
  await page.getByRole("switch", { name: "Available on Sunday" }).click();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await page.getByRole("button", { name: "Discard changes" }).click();
  await dialog.waitFor({ state: "hidden" });
});

await step("Time off: add, see it listed, edit it, delete it", async () => {
  await page.getByRole("tab", { name: "Time off" }).click();
  await page.getByRole("button", { name: "Add time off" }).click();
  const modal = page.getByRole("dialog", { name: "Add time off" });
  await modal.waitFor();
  // Three weeks ahead: inside the list's window (last 30 days, next year). Typed as the doctor's wall-clock time.
  const day = new Date(Date.now() + 21 * 864e5).toISOString().slice(0, 10);
  await setTime("exception-start", `${day} 09:00`);
  await setTime("exception-end", `${day} 13:00`);
  await modal.getByLabel("Reason").fill("Smoke test");
  await modal.getByRole("button", { name: "Save" }).click();
  await modal.waitFor({ state: "hidden" });
  const row = page.getByRole("row").filter({ hasText: "Smoke test" });
  await expectText(row, /, 09:00[\s\S]*, 13:00/);
  await row.getByRole("button", { name: /Edit/ }).click();
  const edit = page.getByRole("dialog", { name: "Edit time off" });
  await edit.waitFor();
  await setTime("exception-end", `${day} 14:00`);
  await edit.getByRole("button", { name: "Save" }).click();
  await edit.waitFor({ state: "hidden" });
  await expectText(row, /, 14:00/);
  await row.getByRole("button", { name: /Delete/ }).click();
  await page.getByRole("button", { name: "Delete", exact: true }).last().click();
  await row.waitFor({ state: "detached" });
});

if (FAKE) {
  await step("the doctor picker switches doctor with an Inertia visit", async () => {
    await page.getByRole("tab", { name: "Weekly hours" }).click();
    await page.getByLabel("Doctor").click();
    await page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden)").getByText("Dr. Second").click();
    await page.waitForURL(/doctorId=2222/);
    await expectText(page.locator("h1"), /Dr\. Second/);
  });
}

if (stored) console.log(`restored the stored week: HTTP ${await restore(stored)}`);

if (problems.length) {
  failures++;
  console.log(`FAIL browser errors:\n  ${problems.join("\n  ")}`);
}
await browser.close();
console.log(failures ? `${failures} failed` : "all passed");
process.exit(failures ? 1 : 0);
