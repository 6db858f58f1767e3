import { test, expect } from "@playwright/test";
import { STATE_MS } from "./env";
import { makeNovelPdf } from "../tests/fixtures/pdfs";
import { signIn, signUp, snapAndAudit, snapAndAuditDark, statusLine, uniqueEmail, uploadBook } from "./helpers";

const password = "a-long-enough-password";

test("a visitor sees the landing page and the auth pages", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("link", { name: /sign up/i }).first()).toBeVisible();
  await snapAndAudit(page, "landing");
  await page.goto("/signin");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await snapAndAudit(page, "signin");
  await page.goto("/signup");
  await snapAndAudit(page, "signup");
  // Signed-out visitors are sent to sign in from app pages.
  await page.goto("/jobs");
  await expect(page).toHaveURL(/\/signin/);
});

test("sign up, upload, follow the dialog to completion, read and search the results, export CSV", async ({ page }) => {
  await signUp(page, uniqueEmail("reader"), password);
  await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);
  await snapAndAudit(page, "upload");
  await snapAndAuditDark(page, "upload");

  // The page count is read in the browser as soon as the file is chosen.
  const { dialog, jobId } = await uploadBook(page, { name: "le-roman.pdf", pages: 45, seed: 11, llm: true, wordLimit: 8 });
  await expect(page).toHaveURL(/\/upload$/);

  // A modal dialog: its title has focus, Tab and Shift+Tab stay inside it.
  await expect(dialog.getByRole("heading", { name: "le-roman.pdf" })).toBeFocused();
  const closeButtons = dialog.getByRole("button", { name: "Close", exact: true });
  await page.keyboard.press("Shift+Tab");
  await expect(closeButtons.last()).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(closeButtons.first()).toBeFocused();

  // The dialog shows progress while the job runs: a bar, the current step, a chunk grid.
  await expect(dialog.getByRole("progressbar", { name: "Job progress" })).toBeVisible();
  await expect(dialog.getByTestId("current-step")).not.toBeEmpty();
  const grid = dialog.getByRole("grid");
  await expect(grid.getByRole("gridcell")).toHaveCount(3, { timeout: STATE_MS });
  // The summary line ("45 pages · 136 KB · 3 chunks"), not the current step, which may say pages too.
  await expect(dialog.getByText(/45 pages · /)).toBeVisible();

  // The grid is keyboard operable: one tab stop, arrow keys move, the details panel follows.
  const cells = grid.getByRole("gridcell");
  await cells.first().focus();
  await page.keyboard.press("ArrowRight");
  await expect(cells.nth(1)).toBeFocused();
  await expect(dialog.getByText(/^Chunk 2 · pages 20–40/)).toBeVisible();
  await page.keyboard.press("End");
  await expect(cells.nth(2)).toBeFocused();
  await page.keyboard.press("Home");
  await expect(cells.first()).toBeFocused();

  await expect(statusLine(dialog, "Completed")).toBeAttached({ timeout: STATE_MS });
  await expect(grid.locator('[data-status="SUCCEEDED"]')).toHaveCount(3);
  await expect(dialog.getByText("100%")).toBeVisible();
  await snapAndAudit(page, "dialog-completed");
  await snapAndAuditDark(page, "dialog-completed");

  // Escape closes the dialog and focus goes back to the form.
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("button", { name: /upload and start/i })).toBeFocused();

  // The jobs list: status, pages, sentences; a row opens the dialog or the results.
  await page.getByRole("link", { name: "Jobs", exact: true }).click();
  await expect(page.getByRole("link", { name: "le-roman.pdf", exact: true })).toBeVisible();
  await expect(page.getByRole("row", { name: /le-roman\.pdf/ }).getByText("Completed")).toBeVisible();
  await snapAndAudit(page, "jobs");
  await snapAndAuditDark(page, "jobs");
  await page.getByRole("button", { name: "Progress of le-roman.pdf" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await page.getByRole("dialog").getByRole("button", { name: "Close", exact: true }).first().click();
  await expect(page.getByRole("dialog")).toBeHidden();
  await page.getByRole("link", { name: "Results of le-roman.pdf" }).click();

  // Results: sentences in order with page numbers and split markers; search; export.
  await expect(page).toHaveURL(new RegExp(`/jobs/${jobId}/results$`));
  const list = page.locator("section[aria-labelledby=sentences-heading]");
  await expect(list.getByRole("listitem").first()).toBeVisible();
  await expect(page.getByText(/^Showing 1–\d+ of [\d,]+$/)).toBeVisible();
  await expect(list.getByText("split from a longer sentence").first()).toBeVisible();
  await expect(list.getByRole("listitem").first()).toContainText(/page \d+/);
  await snapAndAudit(page, "results");
  await snapAndAuditDark(page, "results");

  const firstText = (await list.getByRole("listitem").first().locator("p").innerText()).replace(/\s*split.*$/s, "");
  const word = firstText.split(/\s+/).find((w) => /^[\p{L}]{5,}$/u.test(w)) ?? "le";
  await page.getByLabel("Search the sentences").fill(word.toUpperCase());
  await expect(page.getByText(new RegExp(`match(es)? for “${word.toUpperCase()}”`))).toBeVisible();
  await expect(list.locator("mark").first()).toBeVisible();
  await snapAndAudit(page, "results-search");
  await page.getByLabel("Search the sentences").fill("");

  // The CSV export downloads and parses: a header, then one row per sentence.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download CSV" }).click()]);
  const csv = (await (await download.createReadStream()).toArray()).map((b: Buffer) => b.toString("utf8")).join("");
  const rows = csv.replace(/^\uFEFF/, "").trim().split(/\r\n/);
  expect(rows[0]).toBe("index,page,chunk,from_split,kind,text");
  expect(rows.length).toBeGreaterThan(20);
  const [index, pageNo, chunk, fromSplit, kind] = rows[1].split(",");
  expect(index).toBe("0");
  expect(Number(pageNo)).toBeGreaterThanOrEqual(1);
  expect(chunk).toBe("0");
  expect(["true", "false"]).toContain(fromSplit);
  expect(kind).toBe("body");
  expect(rows.some((r) => r.split(",")[3] === "true")).toBe(true);

  // The job page shows the same live content inline.
  await page.goto(`/jobs/${jobId}`);
  await expect(page.getByRole("heading", { level: 1, name: "le-roman.pdf" })).toBeVisible();
  await expect(page.getByRole("grid")).toBeVisible();
  await expect(statusLine(page, "Completed")).toBeAttached();
  await snapAndAudit(page, "job");
  await snapAndAuditDark(page, "job");
});

test("settings: create an API token; sign out and in again", async ({ page }) => {
  const email = uniqueEmail("scripter");
  await signUp(page, email, password);
  await page.goto("/settings");
  await page.getByLabel(/token name/i).fill("my script");
  await page.getByRole("button", { name: /create token/i }).click();
  await expect(page.getByText(/folio_[A-Za-z0-9_-]{20,}/).first()).toBeVisible();
  await snapAndAudit(page, "settings");

  await page.getByRole("button", { name: /sign out/i }).click();
  await expect(page).toHaveURL(/\/signin/);
  await signIn(page, email, password);
  await page.goto("/jobs");
  await expect(page.getByText(/no jobs yet/i)).toBeVisible();
  await snapAndAudit(page, "jobs-empty");
});

test("a bad file is refused with a plain-words error and nothing is created", async ({ page }) => {
  await signUp(page, uniqueEmail("careless"), password);
  await page.locator('input[type="file"]').setInputFiles({
    name: "notes.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("these are my notes, not a PDF at all"),
  });
  // The browser could not read it: a warning, not a block (the server has the last word).
  await expect(page.getByText(/could not read the page count/i)).toBeVisible();
  await page.getByRole("button", { name: /upload/i }).last().click();
  await expect(page.getByRole("alert").filter({ hasText: /not a PDF/i })).toBeVisible();
  await expect(page).toHaveURL(/\/upload$/);
  await expect(page.getByRole("dialog")).toBeHidden();
  await snapAndAudit(page, "upload-error");
  await page.goto("/jobs");
  await expect(page.getByText(/no jobs yet|upload your first/i).first()).toBeVisible();
});

test("a wrong password is refused on sign-in", async ({ page }) => {
  const email = uniqueEmail("forgetful");
  await signUp(page, email, password);
  await page.getByRole("button", { name: /sign out/i }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("wrong-password-here");
  await page.getByRole("button", { name: /sign in/i }).click();
  await expect(page.getByRole("alert").filter({ hasText: /wrong email or password/i })).toBeVisible();
});

test("the results page of a job still running says so, and a missing job is not found", async ({ page }) => {
  await signUp(page, uniqueEmail("early"), password);
  const pdf = Buffer.from(await makeNovelPdf({ pages: 2, seed: 3 }));
  await page.locator('input[type="file"]').setInputFiles({ name: "tiny.pdf", mimeType: "application/pdf", buffer: pdf });
  await expect(page.getByText("2 pages: uses 2 credits of your 5,000.")).toBeVisible();
  await snapAndAudit(page, "upload-chosen");
  await page.getByRole("button", { name: /upload and start/i }).click();
  const href = await page.getByRole("dialog").getByRole("link", { name: /open job page/i }).getAttribute("href");
  await page.goto(`${href}/results`);
  // Either still running (then it updates by itself) or already done: both end with sentences.
  await expect(page.getByRole("heading", { level: 1, name: "tiny.pdf" })).toBeVisible();
  await expect(page.getByText(/^Showing 1–/)).toBeVisible({ timeout: STATE_MS });
  await page.goto("/jobs/doesnotexist/results");
  await expect(page.getByRole("heading", { name: "Job not found" })).toBeVisible();
});
