import { test, expect, type Page } from "@playwright/test";
import { ADMIN_EMAIL, ADMIN_PASSWORD, BASE_URL } from "./env";
import { signIn, signUp, statusLine, uniqueEmail, uploadBook } from "./helpers";

const password = "a-long-enough-password";

/**
 * Records, for the whole test, every CSP violation (the `securitypolicyviolation` event, reported
 * through the console), every console error and every uncaught page error.
 */
function watchPage(page: Page): { problems: string[] } {
  const problems: string[] = [];
  void page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const text = msg.text();
    // Answers the app means to give (a signed-out /api/me, a missing job) are not page problems.
    if (/^Failed to load resource: the server responded with a status of (401|404)/.test(text)) return;
    problems.push(`${page.url()}: ${text}`);
  });
  page.on("pageerror", (err) => problems.push(`${page.url()}: uncaught ${err.message}`));
  return { problems };
}

async function visit(page: Page, path: string): Promise<void> {
  const res = await page.goto(path);
  expect(res?.status(), path).toBeLessThan(400);
  const csp = res?.headers()["content-security-policy"] ?? "";
  expect(csp, path).toMatch(/'nonce-[^']+'/);
  await page.waitForLoadState("networkidle");
}

test("no page logs a CSP violation or a console error, signed out, signed in and as admin", async ({ page }) => {
  const { problems } = watchPage(page);
  for (const path of ["/", "/signin", "/signup"]) await visit(page, path);

  await signUp(page, uniqueEmail("csp"), password);
  const { dialog, jobId } = await uploadBook(page, { name: "csp.pdf", pages: 3, seed: 5 });
  await expect(statusLine(dialog, "Completed")).toBeAttached({ timeout: 60_000 });
  await page.keyboard.press("Escape");
  // Client-side navigations load further chunks ('strict-dynamic' lets the nonced loader do it).
  await page.getByRole("link", { name: "Jobs", exact: true }).click();
  await expect(page.getByRole("link", { name: "csp.pdf", exact: true })).toBeVisible();
  await page.getByRole("link", { name: "Results of csp.pdf" }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${jobId}/results$`));
  await page.waitForLoadState("networkidle");
  for (const path of ["/upload", "/jobs", `/jobs/${jobId}`, `/jobs/${jobId}/results`, "/settings"]) await visit(page, path);

  await page.context().clearCookies();
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
  for (const path of ["/admin", "/admin/chunks"]) await visit(page, path);

  expect(problems).toEqual([]);

  // The watcher itself works: an image from another origin is blocked by img-src and reported.
  await page.evaluate(() => {
    const img = new Image();
    img.src = "https://evil.example/canary.png";
    document.body.append(img);
  });
  await expect.poll(() => problems.join("\n")).toMatch(/CSP violation: img-src blocked https:\/\/evil\.example\/canary\.png/);
});

test("signing in with a crafted callbackUrl stays on this site", async ({ page }) => {
  const email = uniqueEmail("redirect");
  await signUp(page, email, password);
  for (const payload of ["%2F%09%2Fevil.example", "%2F%2Fevil.example", "%2F%5Cevil.example", "https%3A%2F%2Fevil.example", "%0A"]) {
    await page.context().clearCookies();
    const res = await page.goto(`/signin?callbackUrl=${payload}`);
    expect(res?.status(), payload).toBe(200);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: /sign in/i }).click();
    await expect(page, payload).toHaveURL(`${BASE_URL}/upload`);
    // Signed in, the same link redirects on the server, and still only here.
    const again = await page.goto(`/signin?callbackUrl=${payload}`);
    expect(again?.status(), payload).toBe(200);
    expect(page.url(), payload).toBe(`${BASE_URL}/upload`);
  }
});
