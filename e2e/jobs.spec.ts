import { test, expect } from "@playwright/test";
import { STATE_MS } from "./env";
import { configureLlm, resetLlm, setLlmFailures, signUp, snapAndAudit, snapAndAuditDark, statusLine, uniqueEmail, uploadBook } from "./helpers";

const password = "a-long-enough-password";

test.afterEach(async () => {
  await resetLlm();
});

test("a chunk that keeps failing shows a failed cell with a Retry button; retrying it completes the job", async ({ page }) => {
  // The provider fails every call for the first chunk of every job, until told otherwise.
  await setLlmFailures({ "*/0": "always" });
  await signUp(page, uniqueEmail("unlucky"), password);
  const { dialog } = await uploadBook(page, { name: "fragile.pdf", pages: 45, seed: 21, llm: true, wordLimit: 8 });

  // Attempts and an automatic round run out: the job ends partly done with chunk 1 failed.
  await expect(statusLine(dialog, "Partly done")).toBeAttached({ timeout: STATE_MS });
  const failedCell = dialog.getByRole("gridcell", { name: /^Chunk 1, pages 1–20, Failed/ });
  await expect(failedCell).toHaveAttribute("data-status", "FAILED");
  await expect(dialog.getByText(/PROVIDER_ERROR/).first()).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Retry chunk 1" })).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Retry all failed" })).toBeVisible();
  await snapAndAudit(page, "dialog-failed");
  await snapAndAuditDark(page, "dialog-failed");

  // The provider recovers; Enter on the failed cell leads to its Retry button.
  await setLlmFailures({});
  await failedCell.focus();
  await page.keyboard.press("Enter");
  const retry = dialog.getByRole("button", { name: "Retry this chunk" });
  await expect(retry).toBeFocused();
  await retry.click();
  // Optimistic: the cell says "retry scheduled" at once, then the job runs to completion.
  await expect(dialog.getByRole("gridcell", { name: /^Chunk 1, pages 1–20, (Retry scheduled|Processing|Succeeded)/ })).toBeVisible({ timeout: 2_000 });
  await expect(statusLine(dialog, "Completed")).toBeAttached({ timeout: STATE_MS });
  await expect(dialog.locator('[role="gridcell"][data-status="SUCCEEDED"]')).toHaveCount(3);
  await expect(dialog.getByRole("button", { name: "Retry chunk 1" })).toHaveCount(0);
});

test("a long book can be cancelled from the dialog while it runs, and the credits come back", async ({ page }) => {
  // A slow provider keeps the book running long enough to look at it, then cancel it.
  await configureLlm({ latencyMs: 1_500 });
  await signUp(page, uniqueEmail("impatient"), password);
  const { dialog, jobId } = await uploadBook(page, { name: "long.pdf", pages: 400, seed: 4, llm: true, wordLimit: 12 });
  await expect(dialog.getByRole("gridcell").first()).toBeVisible({ timeout: STATE_MS });
  await expect(dialog.locator('[role="gridcell"][data-status="SUCCEEDED"]').first()).toBeVisible({ timeout: STATE_MS });
  await expect(dialog.getByText(/^About \d/)).toBeVisible();
  await snapAndAudit(page, "dialog-progress");
  await snapAndAuditDark(page, "dialog-progress");
  await dialog.getByRole("button", { name: "Cancel job" }).click();
  // Confirmation first: "yes" has focus, "keep going" puts things back.
  await expect(dialog.getByRole("button", { name: "Yes, cancel job" })).toBeFocused();
  await dialog.getByRole("button", { name: "Keep going" }).click();
  await expect(dialog.getByRole("button", { name: "Cancel job" })).toBeFocused();
  await dialog.getByRole("button", { name: "Cancel job" }).click();
  await dialog.getByRole("button", { name: "Yes, cancel job" }).click();
  await expect(statusLine(dialog, "Cancelled")).toBeAttached();
  await expect(dialog.locator('[role="gridcell"][data-status="CANCELLED"]').first()).toBeVisible();
  await snapAndAudit(page, "dialog-cancelled");
  await dialog.getByRole("button", { name: "Close", exact: true }).last().click();
  await expect(page.getByRole("link", { name: /5,000 credits/ })).toBeVisible();
  await page.goto(`/jobs/${jobId}`);
  await expect(statusLine(page, "Cancelled")).toBeAttached();
});
