import { beforeAll, describe, expect, it } from "vitest";
import { baseUrl, bearer, errorCode, newUser, type TestUser } from "../helpers/client";
import { db } from "@/lib/db";
import type { ResultSentence } from "@/lib/jobs/result";

type Page = { status: string; partial: boolean; total: number; matched: number; offset: number; limit: number; sentences: ResultSentence[] };

let carol: TestUser;
let dave: TestUser;
let done: { id: string };
let running: { id: string };

const TEXTS = [
  "L’École était fermée ce matin-là.",
  "Il pleuvait sur la ville.",
  "« Je n’en sais rien », dit-il.",
  "DROPPED overlap duplicate",
  "Elle rentra à l'ecole en courant.",
  "Rien ne bougeait.",
];

async function makeJob(user: TestUser, status: "COMPLETED" | "PARTIAL_SUCCESS" | "PROCESSING", n: number) {
  const job = await db.job.create({
    data: { userId: user.id, status, fileName: "s.pdf", fileKey: "uploads/s.pdf", fileSha256: "1".repeat(64), fileSize: 10, pageCount: 3, totalChunks: 2 },
  });
  const c0 = await db.chunk.create({ data: { jobId: job.id, index: 0, status: "SUCCEEDED", startPage: 1, endPage: 2 } });
  const c1 = await db.chunk.create({ data: { jobId: job.id, index: 1, status: "SUCCEEDED", startPage: 2, endPage: 3, overlapPages: 1 } });
  const rows = [];
  for (let i = 0; i < n; i++) {
    const base = TEXTS[i % TEXTS.length];
    const chunk = i < n / 2 ? c0 : c1;
    rows.push({
      jobId: job.id,
      chunkId: chunk.id,
      chunkIndex: chunk.index,
      chunkOrder: i,
      text: `${base} #${i}`,
      page: chunk.index + 1,
      fromSplit: i % 5 === 1,
      dropped: base.startsWith("DROPPED"),
    });
  }
  await db.sentence.createMany({ data: rows });
  return job;
}

async function get(user: TestUser, jobId: string, query = ""): Promise<Response> {
  return fetch(`${baseUrl()}/api/jobs/${jobId}/sentences${query ? `?${query}` : ""}`, { headers: bearer(user) });
}

beforeAll(async () => {
  carol = await newUser("admin-carol");
  dave = await newUser("admin-dave");
  done = await makeJob(carol, "COMPLETED", 600);
  running = await makeJob(carol, "PROCESSING", 6);
});

describe("GET /api/jobs/:id/sentences", () => {
  it("pages through the kept sentences in book order", async () => {
    const res = await get(carol, done.id, "offset=0&limit=50");
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page;
    expect(page).toMatchObject({ status: "COMPLETED", partial: false, total: 500, matched: 500, offset: 0, limit: 50 });
    expect(page.sentences).toHaveLength(50);
    expect(page.sentences.map((s) => s.index)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(page.sentences.some((s) => s.text.startsWith("DROPPED"))).toBe(false);
    expect(page.sentences[1]).toMatchObject({ text: "Il pleuvait sur la ville. #1", page: 1, chunkIndex: 0, fromSplit: true });

    const last = (await (await get(carol, done.id, "offset=480&limit=50")).json()) as Page;
    expect(last.sentences).toHaveLength(20);
    expect(last.sentences[0].index).toBe(480);
    expect(last.sentences.at(-1)?.chunkIndex).toBe(1);
    // The same order as the export.
    const exported = (await (await fetch(`${baseUrl()}/api/jobs/${done.id}/result?format=json`, { headers: bearer(carol) })).json()) as { sentences: ResultSentence[] };
    expect(last.sentences).toEqual(exported.sentences.slice(480, 500));
  });

  it("searches without regard to case, accents or the kind of apostrophe, keeping each sentence's place in the book", async () => {
    const page = (await (await get(carol, done.id, `q=${encodeURIComponent("L'ECOLE")}&limit=500`)).json()) as Page;
    expect(page.total).toBe(500);
    expect(page.matched).toBe(200);
    expect(page.sentences.every((s) => /[ée]cole/i.test(s.text))).toBe(true);
    expect(page.sentences.slice(0, 3).map((s) => s.index)).toEqual([0, 3, 5]);

    const second = (await (await get(carol, done.id, `q=ecole&offset=150&limit=100`)).json()) as Page;
    expect(second.sentences).toHaveLength(50);
    expect(second.matched).toBe(200);

    const none = (await (await get(carol, done.id, `q=${encodeURIComponent("pas là du tout")}`)).json()) as Page;
    expect(none).toMatchObject({ matched: 0, sentences: [] });
    const blank = (await (await get(carol, done.id, `q=${encodeURIComponent("   ")}&limit=10`)).json()) as Page;
    expect(blank.matched).toBe(500);
  });

  it("answers 409 before the job has a result, 404 for someone else's job, 400 for bad parameters", async () => {
    const early = await get(carol, running.id);
    expect(early.status).toBe(409);
    expect(await errorCode(early)).toBe("RESULT_NOT_READY");
    const other = await get(dave, done.id);
    expect(other.status).toBe(404);
    expect((await fetch(`${baseUrl()}/api/jobs/${done.id}/sentences`)).status).toBe(401);
    for (const q of ["limit=0", "limit=501", "offset=-1", "colour=red", `q=${"x".repeat(201)}`]) {
      const res = await get(carol, done.id, q);
      expect(res.status, q).toBe(400);
    }
  });
});
