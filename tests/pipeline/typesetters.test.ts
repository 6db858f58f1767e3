/**
 * Real typesetters' PDFs through the whole stack (upload → split → parsing child → finalize →
 * result API), one per failure class of issue 13. The fixtures are excerpts of the bench:books
 * PDFs (tests/fixtures/typeset/, made by scripts/books/ recipes from the shared corpus):
 *  - pdfLaTeX in OT1 with a table of contents and running heads: TeX's separate accents;
 *  - Chromium's print with its header and footer (date, title, file URL, n/N);
 *  - pdfLaTeX two columns with running heads;
 *  - pdfLaTeX OT1 in bitmap Type 3 fonts (no Unicode: ligatures on control codes);
 *  - LibreOffice Writer with automatic hyphenation, header and footer.
 * Each must complete with no accent damage, no running head, page number or dot leader among
 * its sentences, and known sentences of the source read verbatim.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack } from "../helpers/stack";
import { bearer, baseUrl, newUser, upload, useBaseUrl, waitForJob, type TestUser } from "../helpers/client";
import { setBalance } from "../helpers/ledger";

type ResultJson = { sentences: { text: string; page: number; kind: string }[] };

let stack: Stack;
let user: TestUser;

beforeAll(async () => {
  stack = await new Stack().start();
  useBaseUrl(stack.baseUrl);
  stack.shareData();
  user = await newUser("typesetters");
  await setBalance(user.id, 1000);
}, 120_000);

afterAll(async () => {
  useBaseUrl(null);
  await stack?.stop();
});

const ACCENT_DAMAGE = /[\u0060\u00a8\u00af\u00b4\u00b8\u02c6\u02c7\u02d8-\u02dd\u226a\u226b]|\p{M}/u;
const norm = (s: string) => s.replace(/[’]/g, "'").replace(/[\u00a0\u202f]/g, " ");

async function sentencesOf(file: string, language: string): Promise<string[]> {
  const bytes = fs.readFileSync(path.join(__dirname, "..", "fixtures", "typeset", file));
  const res = await upload(user, bytes, { fields: { language }, fileName: file });
  expect(res.status).toBe(202);
  const { job } = (await res.json()) as { job: { id: string } };
  const done = await waitForJob(user, job.id, (j) => j.terminal, 300_000);
  expect(done.status).toBe("COMPLETED");
  const r = await fetch(`${baseUrl()}/api/jobs/${job.id}/result?format=json`, { headers: bearer(user) });
  return ((await r.json()) as ResultJson).sentences.map((s) => norm(s.text));
}

function expectClean(texts: string[]): void {
  expect(texts.filter((t) => ACCENT_DAMAGE.test(t))).toEqual([]);
  expect(texts.filter((t) => /^\p{N}+$/u.test(t) || /(\.\s*){4,}/.test(t))).toEqual([]);
  const counts = new Map<string, number>();
  for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
  expect([...counts].filter(([, n]) => n >= 3).map(([t]) => t)).toEqual([]);
}

const cases: Array<[string, string, string, string[]]> = [
  [
    "pdfLaTeX OT1 (separate accent glyphs), a table of contents, running heads",
    "verne-pdflatex-ot1-toc.pdf",
    "fr",
    ["Anglais, à coup sûr, Phileas Fogg n'était peut-être pas Londonner.", "Ce gentleman ne figurait dans aucun comité d'administration."],
  ],
  ["Chromium print with its header and footer", "verne-chromium-header.pdf", "fr", ["On ne l'avait jamais vu ni à la Bourse, ni à la Banque, ni dans aucun des comptoirs de la Cité."]],
  ["pdfLaTeX two columns, running heads", "flaubert-pdflatex-2col.pdf", "fr", ["Cher et illustre ami,"]],
  ["pdfLaTeX OT1 in bitmap Type 3 fonts (ligatures on control codes)", "austen-pdflatex-ot1-type3.pdf", "en", ["Mr. Bennet was among the earliest of those who waited on Mr. Bingley.", "She has two nieces of her own."]],
  ["LibreOffice with automatic hyphenation, header and footer", "flaubert-libreoffice.pdf", "fr", ["Ceux qui dormaient se réveillèrent, et chacun se leva comme surpris dans son travail."]],
];

describe("real typesetters' PDFs through the API", () => {
  for (const [name, file, language, known] of cases) {
    it(`${name}: COMPLETED, clean, known sentences verbatim`, async () => {
      const texts = await sentencesOf(file, language);
      expectClean(texts);
      for (const k of known) expect(texts).toContain(k);
      if (file.includes("chromium")) expect(texts.filter((t) => /file:\/\/|\d+\/\d+$|\d{2}\/\d{2}\/\d{4}/.test(t))).toEqual([]);
      if (file.includes("toc")) expect(texts.filter((t) => /Table des matières/.test(t))).toEqual([]);
      if (file.includes("type3")) {
        // OT1's fi and ff sit on codes pdf.js read as white space ("the rst tumult", "her ve daughters").
        expect(texts.some((t) => t.includes("when the first tumult of joy was over"))).toBe(true);
        expect(texts.some((t) => t.includes("her five daughters"))).toBe(true);
        expect(texts.filter((t) => /\b(rst|ve daughters|nd)\b/.test(t))).toEqual([]);
      }
    }, 360_000);
  }
});
