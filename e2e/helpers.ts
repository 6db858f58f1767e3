import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page } from "@playwright/test";
import { makeNovelPdf } from "../tests/fixtures/pdfs";
import { FAKE_LLM_URL } from "./env";

const SHOTS = path.join(__dirname, "screenshots");
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

/**
 * Saves a full-page screenshot of the current page at desktop and phone width
 * (e2e/screenshots/<name>-desktop.png, -phone.png) and fails on serious or critical
 * accessibility violations found by axe-core at either width.
 */
export async function snapAndAudit(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const [label, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    await page.waitForTimeout(600); // let progress-bar transitions (500 ms) finish
    // A modal dialog covers the viewport: a full-page capture would show the page around it.
    const modalOpen = await page.locator("dialog[open]").count();
    // A sticky header would be drawn where the page happens to be scrolled to.
    if (!modalOpen) await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, `${name}-${label}.png`), fullPage: modalOpen === 0 });
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    const bad = results.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} -> ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
    expect(bad, `${name} at ${label} width`).toEqual([]);
  }
  await page.setViewportSize(VIEWPORTS.desktop);
}

/** snapAndAudit in the dark colour scheme (e2e/screenshots/<name>-dark-desktop.png ...). */
export async function snapAndAuditDark(page: Page, name: string): Promise<void> {
  await page.emulateMedia({ colorScheme: "dark" });
  try {
    await snapAndAudit(page, `${name}-dark`);
  } finally {
    await page.emulateMedia({ colorScheme: "light" });
  }
}

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@folio.test`;
}

export async function signUp(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Confirm password").fill(password);
  await page.getByRole("button", { name: /create account/i }).click();
  await expect(page).toHaveURL(/\/upload$/);
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: /sign in/i }).click();
  await expect(page).toHaveURL(/\/upload$/);
}

/** Reconfigures the fake LLM (tests/fakes/fake-llm-server.ts options: failChunks, latencyMs...). */
export async function configureLlm(options: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${FAKE_LLM_URL}/__control`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(options),
  });
  if (!res.ok) throw new Error(`fake LLM control answered ${res.status}`);
}

/** Tells the fake LLM which chunks fail ("jobId/index" patterns; "*\/0" = every job's first chunk), or none with {}. */
export async function setLlmFailures(failChunks: Record<string, number | "always">): Promise<void> {
  await configureLlm({ failChunks });
}

/** Back to a fake LLM that answers at once and never fails. */
export async function resetLlm(): Promise<void> {
  await configureLlm({ failChunks: {}, latencyMs: 0 });
}

export type UploadOptions = { name: string; pages: number; seed?: number; llm?: boolean; wordLimit?: number };

/**
 * Chooses a generated novel on the upload page, sets the options and submits; waits for the
 * progress dialog to open and returns it (with the job id from the "Open job page" link).
 */
export async function uploadBook(page: Page, opts: UploadOptions): Promise<{ dialog: Locator; jobId: string }> {
  const pdf = Buffer.from(await makeNovelPdf({ pages: opts.pages, seed: opts.seed ?? 1 }));
  await page.locator('input[type="file"]').setInputFiles({ name: opts.name, mimeType: "application/pdf", buffer: pdf });
  await expect(page.getByTestId("page-count")).toHaveText(`${opts.pages} pages`);
  if (opts.wordLimit) await page.getByLabel("Sentence word limit").fill(String(opts.wordLimit));
  if (opts.llm) await page.getByLabel("Processor").selectOption("llm");
  await page.getByRole("button", { name: /upload and start/i }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("heading", { name: opts.name })).toBeVisible();
  const href = await dialog.getByRole("link", { name: /open job page/i }).getAttribute("href");
  const jobId = href?.split("/").pop() ?? "";
  expect(jobId).toMatch(/^[a-z0-9]+$/);
  return { dialog, jobId };
}

/** The job's status line for screen readers ("Status: Completed"), inside `scope`. */
export function statusLine(scope: Page | Locator, label: string | RegExp): Locator {
  return scope.getByText(typeof label === "string" ? `Status: ${label}` : label);
}
