import { describe, expect, it } from "vitest";
import { deflateRawSync } from "node:zlib";
import { readZip, writeZip, ZipError } from "./zip";

describe("zip reader", () => {
  it("reads stored entries written by writeZip, skipping folders", () => {
    const z = writeZip([
      { name: "out/", data: Buffer.alloc(0) },
      { name: "out/test/algebra/1.json.txt", data: Buffer.from("\\boxed{2}") },
      { name: "b.txt", data: Buffer.from("ünïcode") },
    ]);
    const e = readZip(z);
    expect(e.map((x) => [x.name, x.data.toString("utf8")])).toEqual([["out/test/algebra/1.json.txt", "\\boxed{2}"], ["b.txt", "ünïcode"]]);
  });
  it("inflates deflated entries", () => {
    const text = "the answer is \\boxed{7}. ".repeat(200);
    const z = writeZip([{ name: "a.txt", data: Buffer.from(text) }]);
    // Rewrite as a deflated entry: method 8, compressed payload.
    const deflated = deflateRawSync(Buffer.from(text));
    const name = Buffer.from("a.txt");
    const lh = Buffer.from(z.subarray(0, 30));
    lh.writeUInt16LE(8, 8);
    lh.writeUInt32LE(deflated.length, 18);
    const ch = Buffer.from(z.subarray(30 + name.length + text.length, 30 + name.length + text.length + 46));
    ch.writeUInt16LE(8, 10);
    ch.writeUInt32LE(deflated.length, 20);
    const cd = Buffer.concat([ch, name]);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(cd.length, 12);
    end.writeUInt32LE(30 + name.length + deflated.length, 16);
    const zz = Buffer.concat([lh, name, deflated, cd, end]);
    expect(readZip(zz)[0]!.data.toString()).toBe(text);
  });
  it("refuses what is not a zip, and archives over the limits", () => {
    expect(() => readZip(Buffer.from("hello world, not a zip at all"))).toThrow(ZipError);
    const z = writeZip([{ name: "a.txt", data: Buffer.alloc(1000) }, { name: "b.txt", data: Buffer.alloc(1000) }]);
    expect(() => readZip(z, { maxEntries: 1 })).toThrow(/at most 1/);
    expect(() => readZip(z, { maxBytes: 1500 })).toThrow(/unpacks to more than/);
  });
});
