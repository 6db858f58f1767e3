import { test, expect } from "@playwright/test";
import { makeNovelPdf } from "../tests/fixtures/pdfs";
import { signIn, signUp, snapAndAudit, uniqueEmail } from "./helpers";

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

test("sign up, upload a PDF, follow the job, list jobs, manage tokens, sign out and in again", async ({ page }) => {
  const email = uniqueEmail("reader");
  await signUp(page, email, password);
  await snapAndAudit(page, "upload");

  const pdf = Buffer.from(await makeNovelPdf({ pages: 8, seed: 11 }));
  await page.locator('input[type="file"]').setInputFiles({ name: "le-roman.pdf", mimeType: "application/pdf", buffer: pdf });
  await expect(page.getByText("le-roman.pdf").first()).toBeVisible();
  await page.getByRole("button", { name: /upload/i }).last().click();

  await expect(page).toHaveURL(/\/jobs\/[a-z0-9]+$/);
  await expect(page.getByRole("heading", { name: /le-roman\.pdf/ })).toBeVisible();
  await expect(page.getByText(/8 pages/i).first()).toBeVisible();
  await expect(page.getByRole("progressbar").first()).toBeVisible();
  // The bundled runner processes the book: the page follows it to a terminal state.
  await expect(page.getByText(/Status: Completed/)).toBeAttached({ timeout: 60_000 });
  await snapAndAudit(page, "job");

  // The CSV export downloads and parses: a header, then one row per sentence.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: /download \.csv/i }).click()]);
  const csv = (await (await download.createReadStream()).toArray()).map((b: Buffer) => b.toString("utf8")).join("");
  const rows = csv.replace(/^\uFEFF/, "").trim().split(/\r\n/);
  expect(rows[0]).toBe("index,page,chunk,from_split,text");
  expect(rows.length).toBeGreaterThan(20);

  await page.goto("/jobs");
  await expect(page.getByRole("link", { name: /le-roman\.pdf/ })).toBeVisible();
  await snapAndAudit(page, "jobs");

  await page.goto("/settings");
  await page.getByLabel(/token name/i).fill("my script");
  await page.getByRole("button", { name: /create token/i }).click();
  await expect(page.getByText(/folio_[A-Za-z0-9_-]{20,}/).first()).toBeVisible();
  await snapAndAudit(page, "settings");

  await page.getByRole("button", { name: /sign out/i }).click();
  await expect(page).toHaveURL(/\/signin/);
  await signIn(page, email, password);
  await page.goto("/jobs");
  await expect(page.getByRole("link", { name: /le-roman\.pdf/ })).toBeVisible();
});

test("a bad file is refused with a plain-words error and nothing is created", async ({ page }) => {
  await signUp(page, uniqueEmail("careless"), password);
  await page.locator('input[type="file"]').setInputFiles({
    name: "notes.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("these are my notes, not a PDF at all"),
  });
  await page.getByRole("button", { name: /upload/i }).last().click();
  await expect(page.getByRole("alert").filter({ hasText: /not a PDF/i })).toBeVisible();
  await expect(page).toHaveURL(/\/upload$/);
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

test("a long book can be cancelled from its page while it runs", async ({ page }) => {
  await signUp(page, uniqueEmail("impatient"), password);
  const pdf = Buffer.from(await makeNovelPdf({ pages: 400, seed: 4 }));
  await page.locator('input[type="file"]').setInputFiles({ name: "long.pdf", mimeType: "application/pdf", buffer: pdf });
  await page.getByRole("button", { name: /upload/i }).last().click();
  await expect(page).toHaveURL(/\/jobs\/[a-z0-9]+$/);
  await page.getByRole("button", { name: /^cancel job$/i }).click();
  await page.getByRole("button", { name: /yes, cancel job/i }).click();
  await expect(page.getByText(/Status: Cancelled/)).toBeAttached();
  await expect(page.getByRole("link", { name: /5,000 credits/ })).toBeVisible();
});
