import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { RecordSplitter, readRecords, type ReadRecord, type ReaderOptions } from "./reader";

const enc = new TextEncoder();

/** Feeds `bytes` cut at the given offsets; returns the records. */
function splitAt(bytes: Uint8Array, cuts: number[], opts?: ReaderOptions): ReadRecord[] {
  const s = new RecordSplitter(opts);
  const out: ReadRecord[] = [];
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    out.push(...s.push(bytes.subarray(prev, c)));
    prev = c;
  }
  out.push(...s.end());
  return out;
}

/** Records as comparable plain data. */
function simplify(rs: ReadRecord[]): unknown[] {
  return rs.map((r) => ("error" in r ? { line: r.line, error: true } : { line: r.line, value: r.value }));
}

async function collect(chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, opts?: ReaderOptions): Promise<ReadRecord[]> {
  const out: ReadRecord[] = [];
  for await (const r of readRecords(chunks, opts)) out.push(r);
  return out;
}

/** Every way of cutting `bytes` into two and three pieces gives the same records as one piece. */
function expectChunkInvariant(bytes: Uint8Array, opts?: ReaderOptions): ReadRecord[] {
  const whole = splitAt(bytes, [], opts);
  for (let i = 0; i <= bytes.length; i++) {
    expect(simplify(splitAt(bytes, [i], opts)), `cut at ${i}`).toEqual(simplify(whole));
  }
  // Pairs of cuts: all of them on small inputs, a grid of about 2,500 on larger ones.
  const step = Math.max(1, Math.ceil(bytes.length / 50));
  for (let i = 0; i <= bytes.length; i += step) {
    for (let j = i; j <= bytes.length; j += step) {
      expect(simplify(splitAt(bytes, [i, j], opts)), `cuts at ${i}, ${j}`).toEqual(simplify(whole));
    }
  }
  // One byte at a time.
  expect(simplify(splitAt(bytes, Array.from({ length: bytes.length }, (_, k) => k), opts))).toEqual(simplify(whole));
  return whole;
}

describe("JSONL", () => {
  const text =
    '\ufeff{"q":"héllo – 数学 🙂","r":"a\\nb"}\r\n' + // BOM, CRLF, multi-byte (2, 3 and 4 bytes)
    "\n" +
    "   \r\n" + // blank lines
    '{"q":"second","r":"[{\\"x\\": 1}]"}\n' +
    "{not json}\n" +
    '{"q":"last line, no newline","r":"ü"}';
  const bytes = enc.encode(text);

  it("reads records with their line numbers, at every chunk boundary", () => {
    const rs = expectChunkInvariant(bytes);
    expect(simplify(rs)).toEqual([
      { line: 1, value: { q: "héllo – 数学 🙂", r: "a\nb" } },
      { line: 4, value: { q: "second", r: '[{"x": 1}]' } },
      { line: 5, error: true },
      { line: 6, value: { q: "last line, no newline", r: "ü" } },
    ]);
    const bad = rs[2] as Extract<ReadRecord, { error: string }>;
    expect(bad.error).toMatch(/^Invalid JSON: /);
    expect(bad.excerpt).toBe("{not json}");
    const first = rs[0] as Extract<ReadRecord, { value: unknown }>;
    expect(first.text.startsWith("{")).toBe(true); // BOM removed
  });

  it("handles a trailing newline, an empty input and blank-only input", () => {
    expect(simplify(splitAt(enc.encode('{"a":1}\n'), []))).toEqual([{ line: 1, value: { a: 1 } }]);
    expect(splitAt(new Uint8Array(0), [])).toEqual([]);
    expect(splitAt(enc.encode("\n\n  \r\n"), [])).toEqual([]);
    expect(splitAt(enc.encode("\ufeff"), [])).toEqual([]);
  });

  it("reports invalid UTF-8 and too-long lines, and goes on", () => {
    const bad = new Uint8Array([...enc.encode('{"a":"'), 0xff, 0xfe, ...enc.encode('"}\n{"b":2}\n')]);
    const rs = expectChunkInvariant(bad);
    expect(simplify(rs)).toEqual([{ line: 1, error: true }, { line: 2, value: { b: 2 } }]);
    expect((rs[0] as { error: string }).error).toMatch(/UTF-8/);

    const long = enc.encode(`{"a":"${"x".repeat(5000)}"}\n{"b":2}\n`);
    const rs2 = expectChunkInvariant(long, { maxRecordBytes: 1000 });
    expect(simplify(rs2)).toEqual([{ line: 1, error: true }, { line: 2, value: { b: 2 } }]);
    expect((rs2[0] as { error: string }).error).toMatch(/Line too long/);
    expect((rs2[0] as { excerpt: string }).excerpt).toMatch(/^\{"a":"xxx/);
  });

  it("a partial BOM is content, not a BOM", () => {
    const rs = splitAt(new Uint8Array([0xef, 0xbb, ...enc.encode('{"a":1}\n{"b":2}')]), [1]);
    expect(simplify(rs)).toEqual([{ line: 1, error: true }, { line: 2, value: { b: 2 } }]);
  });

  it("reads from async iterables", async () => {
    async function* gen() {
      yield bytes.subarray(0, 7);
      yield bytes.subarray(7);
    }
    expect(simplify(await collect(gen()))).toEqual(simplify(splitAt(bytes, [])));
  });

  it("random JSONL survives random chunking (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ q: fc.string({ unit: "binary" }), n: fc.integer(), nested: fc.array(fc.string({ unit: "grapheme" }), { maxLength: 3 }) }), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.boolean(),
        (records, rawCuts, crlf) => {
          const text = records.map((r) => JSON.stringify(r)).join(crlf ? "\r\n" : "\n");
          const b = enc.encode(text);
          const cuts = [...new Set(rawCuts.map((c) => c % (b.length + 1)))].sort((x, y) => x - y);
          const rs = splitAt(b, cuts);
          expect(simplify(rs)).toEqual(records.map((r, i) => ({ line: i + 1, value: r })));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("JSON arrays", () => {
  const text = [
    "\ufeff[",
    '  {"q": "brackets ] } [ { in a string", "r": "quote \\" and backslash \\\\"},',
    '  {"nested": [[1, 2], {"a": [3, {"b": "]]"}]}], "s": "é数🙂"},',
    "  42,",
    '  "a string, with ] a bracket",',
    "  {broken: 1},",
    "  null,",
    "  {",
    '    "multi": "line"',
    "  }",
    "]",
    "",
  ].join("\r\n");
  const bytes = enc.encode(text);

  it("cuts elements at every chunk boundary, tracking strings, escapes and depth", () => {
    const rs = expectChunkInvariant(bytes);
    expect(simplify(rs)).toEqual([
      { line: 2, value: { q: "brackets ] } [ { in a string", r: 'quote " and backslash \\' } },
      { line: 3, value: { nested: [[1, 2], { a: [3, { b: "]]" }] }], s: "é数🙂" } },
      { line: 4, value: 42 },
      { line: 5, value: "a string, with ] a bracket" },
      { line: 6, error: true },
      { line: 7, value: null },
      { line: 8, value: { multi: "line" } },
    ]);
  });

  it("single-line arrays and empty arrays", () => {
    expect(simplify(splitAt(enc.encode('[{"a":1},{"b":[2]}]'), []))).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 1, value: { b: [2] } },
    ]);
    expect(splitAt(enc.encode("[]"), [])).toEqual([]);
    expect(splitAt(enc.encode("  \n [ \n ] \n"), [])).toEqual([]);
  });

  it("reports structural errors: unclosed array, garbage after ], trailing comma, cut-off record", () => {
    const unclosed = splitAt(enc.encode('[{"a":1},\n{"b":2}'), []);
    expect(simplify(unclosed)).toEqual([{ line: 1, value: { a: 1 } }, { line: 2, value: { b: 2 } }, { line: 2, error: true }]);
    const garbage = splitAt(enc.encode('[{"a":1}]\nxyz'), []);
    expect(simplify(garbage)).toEqual([{ line: 1, value: { a: 1 } }, { line: 2, error: true }]);
    expect((garbage[1] as { fatal?: boolean }).fatal).toBe(true);
    const trailing = splitAt(enc.encode('[{"a":1},\n]'), []);
    expect(simplify(trailing)).toEqual([{ line: 1, value: { a: 1 } }, { line: 2, error: true }]);
    const cut = splitAt(enc.encode('[{"a":1},\n{"b": "unterminated'), []);
    expect(simplify(cut)).toEqual([{ line: 1, value: { a: 1 } }, { line: 2, error: true }]);
    expect((cut[1] as { error: string }).error).toMatch(/end of file/);
    const missingComma = splitAt(enc.encode('[{"a":1} {"b":2}]'), []);
    expect(simplify(missingComma)).toEqual([{ line: 1, value: { a: 1 } }, { line: 1, error: true }]);
  });

  it("stops reading after a fatal error", async () => {
    const rs = await collect([enc.encode('[{"a":1}] {"b":2}\n{"c":3}')]);
    expect(rs).toHaveLength(2);
  });

  it("an explicit format overrides detection", () => {
    expect(simplify(splitAt(enc.encode('[1, 2]\n{"a":1}'), [], { format: "jsonl" }))).toEqual([
      { line: 1, value: [1, 2] },
      { line: 2, value: { a: 1 } },
    ]);
    expect(simplify(splitAt(enc.encode('  [{"a":1}]'), [], { format: "json" }))).toEqual([{ line: 1, value: { a: 1 } }]);
    expect(simplify(splitAt(enc.encode('{"a":1}'), [], { format: "json" }))).toEqual([{ line: 1, error: true }]);
  });

  it("too-long elements are skipped and reported", () => {
    const b = enc.encode(`[{"a":"${"y".repeat(3000)}"},\n{"b":2}]`);
    const rs = expectChunkInvariant(b, { maxRecordBytes: 500 });
    expect(simplify(rs)).toEqual([{ line: 1, error: true }, { line: 2, value: { b: 2 } }]);
  });

  it("random arrays survive random chunking (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), (values, rawCuts, pretty) => {
        const text = JSON.stringify(values, null, pretty ? 2 : undefined);
        const b = enc.encode(text);
        const cuts = [...new Set(rawCuts.map((c) => c % (b.length + 1)))].sort((x, y) => x - y);
        const rs = splitAt(b, cuts);
        expect(rs.every((r) => !("error" in r))).toBe(true);
        // JSON.stringify turns -0 into 0: compare through JSON.
        expect(rs.map((r) => JSON.stringify((r as { value: unknown }).value))).toEqual(values.map((v) => JSON.stringify(v)));
      }),
      { numRuns: 300 },
    );
  });
});
