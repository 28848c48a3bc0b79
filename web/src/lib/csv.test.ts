import { describe, expect, test } from "vitest";
import { csvField, csvTable } from "./csv";

describe("csvField", () => {
  test("quotes fields with commas, quotes and line breaks only", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\rhere")).toBe('"cr\rhere"');
  });
});

describe("csvTable", () => {
  test("header and rows with CRLF line ends, nulls as empty cells, numbers printed", () => {
    expect(
      csvTable(
        ["key", "calls", "share"],
        [
          ["a,b", 3, 0.25],
          [null, 0, undefined],
        ],
      ),
    ).toBe('key,calls,share\r\n"a,b",3,0.25\r\n,0,\r\n');
  });

  test("no rows is the header alone", () => {
    expect(csvTable(["x"], [])).toBe("x\r\n");
  });
});
