import fs from "node:fs";
import path from "node:path";
import { test, expect } from "@playwright/test";
import { PDFDocument } from "pdf-lib";
import { STATE_MS } from "./env";
import { FR_PAGES, handSetPdf } from "../tests/fixtures/hand-set";
import { signUp, snapAndAudit, snapAndAuditDark, statusLine, uniqueEmail } from "./helpers";

/**
 * A book whose first three pages are a scan (read by OCR), then hand-set pages with a footnote
 * and a blank last page: the results page says which pages were OCRed and which had no text
 * (not charged), and marks the footnote's sentence as a note.
 */
test("the results page says which pages were read by OCR and which had no text, and marks footnotes", async ({ page }) => {
  const book = await PDFDocument.create();
  const scan = await PDFDocument.load(fs.readFileSync(path.join(__dirname, "..", "tests", "fixtures", "scan-verne-3p.pdf")));
  for (const p of await book.copyPages(scan, [0, 1, 2])) book.addPage(p);
  const set = await PDFDocument.load(await handSetPdf(FR_PAGES));
  for (const p of await book.copyPages(set, set.getPageIndices())) book.addPage(p);
  const bytes = Buffer.from(await book.save());

  await signUp(page, uniqueEmail("scan"), "a-long-enough-password");
  await page.locator('input[type="file"]').setInputFiles({ name: "scan-et-notes.pdf", mimeType: "application/pdf", buffer: bytes });
  await expect(page.getByTestId("page-count")).toHaveText("8 pages");
  await page.getByRole("button", { name: /upload and start/i }).click();
  const dialog = page.getByRole("dialog");
  await expect(statusLine(dialog, "Completed")).toBeAttached({ timeout: STATE_MS });
  const href = await dialog.getByRole("link", { name: /open job page/i }).getAttribute("href");
  await page.goto(`${href}/results`);

  const notice = page.getByRole("status").filter({ hasText: "Scanned pages" });
  await expect(notice).toContainText("Pages 1–3 had no text layer (a scan) and were read by text recognition (OCR)");
  await expect(notice).toContainText("Page 8 had no text at all and was not charged.");
  await expect(page.getByText(": a footnote")).toHaveCount(1);
  await expect(page.getByRole("listitem").filter({ hasText: "L’arrière-boutique existe encore aujourd’hui." })).toContainText("note");
  await snapAndAudit(page, "results-scan");
  await snapAndAuditDark(page, "results-scan");
});
