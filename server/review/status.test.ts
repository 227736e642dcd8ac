import { describe, expect, it } from "vitest";
import { aggregateReviews, parseMentions, type ReviewLike } from "./status";

const at = new Date("2026-01-01T00:00:00Z");
const open = (started = false): ReviewLike => ({ status: started ? "in_review" : "pending", submittedAt: null, startedAt: started ? at : null });
const done = (s: "approved" | "rejected" | "changes_requested"): ReviewLike => ({ status: s, submittedAt: at, startedAt: at });

describe("aggregateReviews", () => {
  it("no reviews or none started → pending", () => {
    expect(aggregateReviews([]).status).toBe("pending");
    expect(aggregateReviews([open(), open()]).status).toBe("pending");
  });
  it("some started or submitted → in_review", () => {
    expect(aggregateReviews([open(true), open()]).status).toBe("in_review");
    expect(aggregateReviews([done("approved"), open()])).toMatchObject({ status: "in_review", submitted: 1, assigned: 2, disagreement: false });
  });
  it("unanimous → the decision", () => {
    expect(aggregateReviews([done("approved"), done("approved")]).status).toBe("approved");
    expect(aggregateReviews([done("rejected")]).status).toBe("rejected");
    expect(aggregateReviews([done("changes_requested")]).status).toBe("changes_requested");
  });
  it("split decisions → in_review with disagreement", () => {
    expect(aggregateReviews([done("approved"), done("rejected")])).toMatchObject({ status: "in_review", disagreement: true });
  });
});

describe("parseMentions", () => {
  const members = [
    { userId: "u1", email: "ana@example.com" },
    { userId: "u2", email: "bo.li@example.org" },
    { userId: "u3", email: "x9@example.org", name: "Carla Diaz" },
  ];
  it("matches full emails and local parts, ignores strangers and trailing punctuation", () => {
    expect(parseMentions("cc @ana, and @bo.li@example.org.", members).sort()).toEqual(["u1", "u2"]);
    expect(parseMentions("@nobody please", members)).toEqual([]);
    expect(parseMentions("mail ana@example.com is not a mention", members)).toEqual([]);
    expect(parseMentions("(@ANA) case-insensitive", members)).toEqual(["u1"]);
    expect(parseMentions("ping @carladiaz", members)).toEqual(["u3"]);
  });
});
