import { describe, expect, it } from "vitest";
import { csvCell, renderResult } from "@/lib/jobs/result";

describe("csvCell (CSV injection)", () => {
  it.each([
    ['=HYPERLINK("https://evil.example","click")', `"'=HYPERLINK(""https://evil.example"",""click"")"`],
    ["+1+1", `"'+1+1"`],
    ["-2+3", `"'-2+3"`],
    ["@SUM(A1)", `"'@SUM(A1)"`],
    ["\t=1", `"'\t=1"`],
    ["\r=1", `"'\r=1"`],
    ["=1+2;cmd|' /C calc'!A0", `"'=1+2;cmd|' /C calc'!A0"`],
    ["＝1+1", `"'＝1+1"`],
    ["- Oui, dit-il.", `"'- Oui, dit-il."`],
  ])("neutralises %j", (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it.each([
    ["Une phrase ordinaire.", "Une phrase ordinaire."],
    ["— Oui, dit-il.", '"— Oui, dit-il."'],
    ["— Oui.", "— Oui."],
    ['Il a dit "bonjour", puis il est parti.', '"Il a dit ""bonjour"", puis il est parti."'],
    ["a = b + c", "a = b + c"],
    ["Line\nbreak", '"Line\nbreak"'],
  ])("leaves the ordinary sentence %j as it was", (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it("writes the numeric and boolean columns as they are", () => {
    expect(csvCell(-1)).toBe("-1");
    expect(csvCell(3)).toBe("3");
    expect(csvCell(false)).toBe("false");
  });

  it("neutralises through renderResult", () => {
    const { body } = renderResult([{ index: 0, page: 1, chunkIndex: 0, fromSplit: false, kind: "body", text: "=2+2" }], "csv", { status: "COMPLETED", partial: false });
    expect(body).toBe("\uFEFFindex,page,chunk,from_split,kind,text\r\n0,1,0,false,body,\"'=2+2\"\r\n");
  });
});
