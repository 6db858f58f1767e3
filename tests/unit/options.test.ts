import { describe, expect, it } from "vitest";
import { jobOptionsSchema } from "@/lib/jobs/options";

describe("jobOptionsSchema", () => {
  it("applies defaults", () => {
    expect(jobOptionsSchema.parse({})).toEqual({ language: "fr", processor: "local" });
  });

  it("parses numeric strings", () => {
    expect(jobOptionsSchema.parse({ sentenceWordLimit: "12", priority: "3", language: "en" })).toEqual({
      sentenceWordLimit: 12,
      priority: 3,
      language: "en",
      processor: "local",
    });
  });

  it("treats an empty word limit as no limit", () => {
    expect(jobOptionsSchema.parse({ sentenceWordLimit: "" }).sentenceWordLimit).toBeUndefined();
  });

  it.each([
    [{ sentenceWordLimit: "0" }, "sentenceWordLimit"],
    [{ sentenceWordLimit: "12.5" }, "sentenceWordLimit"],
    [{ sentenceWordLimit: "ten" }, "sentenceWordLimit"],
    [{ priority: "11" }, "priority"],
    [{ language: "klingon" }, "language"],
    [{ processor: "magic" }, "processor"],
    [{ colour: "blue" }, ""],
  ])("refuses %j", (input, path) => {
    const r = jobOptionsSchema.safeParse(input);
    expect(r.success).toBe(false);
    if (!r.success && path) expect(r.error.issues[0].path.join(".")).toBe(path);
  });
});
