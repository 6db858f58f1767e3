import { test, expect, type Page } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, STATE_MS } from "./env";
import { resetLlm, setLlmFailures, signIn, signUp, snapAndAudit, snapAndAuditDark, statusLine, uniqueEmail, uploadBook } from "./helpers";

const password = "a-long-enough-password";

test.afterEach(async () => {
  await resetLlm();
});

async function signOut(page: Page) {
  await page.getByRole("button", { name: /sign out/i }).click();
  await expect(page).toHaveURL(/\/signin/);
}

test("a user who is not an administrator cannot reach the admin dashboard", async ({ page }) => {
  await signUp(page, uniqueEmail("curious"), password);
  await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);
  const res = await page.goto("/admin/chunks");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Your jobs" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Chunk dashboard" })).toHaveCount(0);
  await snapAndAudit(page, "admin-not-found");
  for (const url of ["/api/admin/chunks", "/api/admin/chunks/summary"]) {
    expect((await page.request.get(url)).status()).toBe(403);
  }
  expect((await page.request.post("/api/admin/chunks/retry", { data: { chunkIds: ["x"] } })).status()).toBe(403);
  // Signed out: the page sends you to sign in, the API answers 401.
  await signOut(page);
  await page.goto("/admin/chunks");
  await expect(page).toHaveURL(/\/signin/);
  expect((await page.request.get("/api/admin/chunks/summary")).status()).toBe(401);
});

test("the admin dashboard groups failures by code, retries them in bulk, drills into a job and grants credits", async ({ page }) => {
  await setLlmFailures({ "*/0": "always" });
  const email = uniqueEmail("victim");
  await signUp(page, email, password);
  const { dialog } = await uploadBook(page, { name: "broken-novel.pdf", pages: 45, seed: 31, llm: true, wordLimit: 8 });
  await expect(statusLine(dialog, "Partly done")).toBeAttached({ timeout: STATE_MS });
  // The provider keeps failing through the bulk retry below, so the job stays among the jobs to
  // watch (running, or with failed chunks) until the admin opens it: no race with a fast retry.
  await page.keyboard.press("Escape");
  await signOut(page);

  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  await page.getByRole("link", { name: "Admin" }).click();
  await expect(page).toHaveURL(/\/admin\/chunks$/);
  await expect(page.getByRole("heading", { level: 1, name: "Chunk dashboard" })).toBeVisible();

  // Failures grouped by code, with the count and the latest message.
  const failures = page.locator("section[aria-labelledby=failures-heading]");
  const row = failures.getByRole("row", { name: /PROVIDER_ERROR/ });
  await expect(row).toBeVisible({ timeout: STATE_MS });
  await expect(row.getByRole("cell").first()).toHaveText(/^[1-9]\d*$/);
  await expect(row).toContainText("forced failure of chunk");
  await expect(page.locator("section[aria-labelledby=totals-heading]")).toContainText(/Failed\s*[1-9]/);
  await expect(page.getByRole("img", { name: /chunks settled per minute/i })).toBeVisible();
  await snapAndAudit(page, "admin-chunks");
  await snapAndAuditDark(page, "admin-chunks");

  // Drill down: the failed chunks of that code, select them all, retry in bulk.
  await row.getByRole("button", { name: "Show chunks failing with PROVIDER_ERROR" }).click();
  const table = page.getByRole("region", { name: "Matching chunks" });
  await expect(table.getByRole("row", { name: /broken-novel\.pdf/ })).toHaveCount(1);
  await page.getByRole("checkbox", { name: "Select every failed chunk in this list" }).check();
  await page.getByRole("button", { name: "Retry selected (1)" }).click();
  await page.getByRole("button", { name: "Yes, retry them" }).click();
  await expect(page.getByText(/Scheduled 1 chunk for retry in 1 job/)).toBeVisible();
  await snapAndAudit(page, "admin-chunks-retried");

  // Per-job drill-down: the job's dialog; once the provider recovers, its own retry completes it.
  const watch = page.locator("section[aria-labelledby=jobs-heading]");
  await watch.getByRole("button", { name: "Open broken-novel.pdf" }).click();
  const jobDialog = page.getByRole("dialog");
  await expect(jobDialog.getByRole("heading", { name: "broken-novel.pdf" })).toBeVisible();
  await expect(statusLine(jobDialog, "Partly done")).toBeAttached({ timeout: STATE_MS });
  await setLlmFailures({});
  await jobDialog.getByRole("button", { name: "Retry all failed" }).click();
  await jobDialog.getByRole("button", { name: "Yes, retry" }).click();
  await expect(statusLine(jobDialog, "Completed")).toBeAttached({ timeout: STATE_MS });
  await page.keyboard.press("Escape");
  await expect(failures.getByRole("row", { name: /PROVIDER_ERROR/ })).toHaveCount(0, { timeout: STATE_MS });

  // Credit grants.
  await page.getByLabel("User email").last().fill(email);
  await page.getByLabel("Credits", { exact: true }).fill("250");
  await page.getByLabel("Note").fill("sorry for the trouble");
  await page.getByRole("button", { name: "Grant credits" }).click();
  await expect(page.getByText(`Granted 250 credits to ${email}.`)).toBeVisible();
  await page.getByLabel("User email").last().fill("nobody@folio.test");
  await page.getByLabel("Credits", { exact: true }).fill("10");
  await page.getByRole("button", { name: "Grant credits" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /No user with email/ })).toBeVisible();
});
