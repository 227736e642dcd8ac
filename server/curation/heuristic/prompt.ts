/**
 * Executor prompts from plan sentences: "Let me try subtracting 21 from 35 first." becomes
 * "Try subtracting 21 from 35."; "Going back to 71, 3, and 26, what if I try 71 + 3 instead?"
 * becomes "From 71, 3, and 26, try 71 + 3." Short, imperative, first person turned into "we".
 */

const MAX_PROMPT_CHARS = 160;

const LEADING = /^(?:(?:ok(?:ay)?|alright|all right|hmm+|hm+|wait|well|so|now|next|then|first(?:ly)?|second(?:ly)?|third(?:ly)?|finally|also|and|but|actually|oh|ah|alternatively|instead|again|lastly|good|great|right|no|yes)\s*[,:;!.-]?\s+)+/i;

/** Intent patterns; group 1 is the action. Tried in order. */
const INTENT: { re: RegExp; prefix?: string }[] = [
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
  { re: /\bto ((?:find|solve|compute|calculate|determine|get|make|reach|evaluate|simplify|show|prove)\b.+)$/i },
];

/** A plan that is already an instruction (after its sequence marker): "factor the quadratic". */
const IMPERATIVE = /^(?:factor|solve|compute|calculate|find|count|add|subtract|multiply|divide|simplify|expand|substitute|plug|check|use|apply|combine|set up|write|list|compare|take|square|evaluate|determine|work out|pull out|rewrite|reduce|differentiate|integrate|sum|multiply out|complete the square|express|isolate|eliminate|convert)\b\s+\S/i;

/** Context clauses kept in front of the action ("From 71, 3, and 26, try …"). */
const CONTEXT = /^(?:going back to|go back to|back to|coming back to|returning to|from|since|using|starting (?:from|with)|given|with)\b\s*(.*?)[,:;]?\s*(?:there\b.*)?$/i;

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** First person → "we" (the planner addresses an executor that is the same model). */
function impersonal(s: string): string {
  return s
    .replace(/\bI'm\b/g, "we're")
    .replace(/\bI've\b/g, "we've")
    .replace(/\bI'll\b/g, "we'll")
    .replace(/\bI\b/g, "we")
    .replace(/\bmyself\b/g, "ourselves")
    .replace(/\bmy\b/g, "our")
    .replace(/\bme\b/g, "us");
}

function shorten(s: string): string {
  if (s.length <= MAX_PROMPT_CHARS) return s;
  const cut = s.slice(0, MAX_PROMPT_CHARS);
  const space = cut.lastIndexOf(" ");
  return `${(space > 60 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, "")}…`;
}

function finish(s: string): string {
  let t = s.trim().replace(/\s+/g, " ");
  t = t.replace(/^try something (?:different|else|new) and\s+/i, "");
  t = t.replace(/^(?:go|come) back to (?:having\s+)?(.+) and ((?:combine|try|use|compute|add|subtract|multiply|divide|pair|work|start|make|get|find|see|check)\b.*)$/i, "from $1, $2");
  t = t.replace(/[\s.!?…:;,]+$/, "");
  t = t.replace(/(?<!\b(?:the|a|an))\s+(?:instead|first|then|again|here|now|as well|too|works better|would work|could work|might work)$/i, "");
  t = t.replace(/^(?:see|check) if\b/i, "check whether").replace(/^see whether\b/i, "check whether");
  t = t.replace(/^think about\b/i, "consider").replace(/^look at\b/i, "examine");
  t = t.replace(/^(?:go|move) on to\b/i, "");
  t = shorten(impersonal(t.trim()));
  if (t === "") return "";
  return `${cap(t)}${t.endsWith("…") ? "" : "."}`;
}

/**
 * An imperative executor instruction from a plan sentence, or undefined when the sentence states
 * no intent (the caller then falls back to {@link promptFromWork}).
 */
export function promptFromPlan(sentence: string): string | undefined {
  const s = sentence.trim().replace(LEADING, "");
  for (const { re, prefix } of INTENT) {
    const m = re.exec(s);
    if (!m || m.index === undefined) continue;
    let action = (m[1] ?? "").trim();
    if (action === "") continue;
    if (prefix !== undefined && prefix !== "") action = prefix + action.replace(/^(?:to|i|we)\s+/i, "");
    const before = s.slice(0, m.index).trim();
    const ctx = CONTEXT.exec(before.replace(/[,:;]\s*$/, ""));
    const context = ctx && before.length <= 100 ? cap(`from ${(ctx[1] ?? "").trim()}`.replace(/\s+from before$/i, "")) : "";
    const text = finish(action);
    if (text === "") continue;
    return context !== "" && (ctx?.[1] ?? "").trim() !== "" ? finish(`${context}, ${text.charAt(0).toLowerCase()}${text.slice(1)}`) : text;
  }
  // "Now factor the quadratic.", "Next, count the outcomes …": already an instruction.
  if (IMPERATIVE.test(s)) return finish(s);
  // "Now, the number of divisors." — a sequence marker announcing a quantity to work out.
  if (/^(?:now|next|then|first(?:ly)?|second(?:ly)?|third(?:ly)?|finally|lastly|after that)\s*,/i.test(sentence.trim()) && /^(?:the|a|an|our|its)\s+[^=]+$/i.test(s)) {
    return finish(`work out ${s.charAt(0).toLowerCase()}${s.slice(1)}`);
  }
  return undefined;
}

/** A prompt for a step whose plan states no intent: compute what its first equation computes. */
export function promptFromWork(sentence: string): string {
  const s = sentence.trim().replace(LEADING, "");
  const eq = /([^=]{1,80}?)\s*=/.exec(s.replace(/^(?:that gives|this gives|we get|we have|so)\s+/i, ""));
  if (eq && /\d|\\|[a-z]\s*[-+*/^]/i.test(eq[1] ?? "")) {
    const lhs = (eq[1] ?? "").replace(/^.*\b(?:is|gives|get|have|compute|then|so)\s+/i, "").trim();
    if (lhs !== "") return finish(`compute ${lhs}`);
  }
  return finish(`work out: ${s.charAt(0).toLowerCase()}${s.slice(1)}`);
}

/** A prompt for a verification step: "Verify that <last equation of the work>." when there is one. */
export function promptForVerification(planSentence: string | undefined, workLines: readonly string[]): string {
  for (let i = workLines.length - 1; i >= 0; i--) {
    const m = /([^=.:;!?]{1,120}?=[^.;:!?]{1,100})/.exec((workLines[i] ?? "").trim().replace(LEADING, "").replace(/^(?:thus|therefore|hence|indeed|we get|this gives|that gives),?\s+/i, ""));
    if (m && /\d/.test(m[1] ?? "")) {
      let eq = (m[1] ?? "").trim().replace(/,?\s+(?:which|and|so|but|again|as)\b.*$/i, "");
      if ((eq.match(/\$/g)?.length ?? 0) % 2 === 1) eq = eq.endsWith("$") ? eq.replace(/^\$?/, "$") : `${eq}$`;
      // A sentence-initial word inside the clause ("Its length is 5") is lower-cased; a variable ("A = 3") is not.
      eq = eq.replace(/^(The|This|That|These|Those|Its|It|Each|Both|Our|Their|Every|All)\b/, (w) => w.toLowerCase());
      return finish(`verify that ${eq}`);
    }
  }
  const fromPlan = planSentence === undefined ? undefined : promptFromPlan(planSentence);
  if (fromPlan !== undefined && fromPlan.split(" ").length > 2) return fromPlan;
  return "Verify the result found above.";
}

// ---------------------------------------------------------------------------------------------
// Whole-step prompts: a subject and a goal, never a stub or a copied sentence
// ---------------------------------------------------------------------------------------------

/** Words of a prompt (LaTeX spans count as one word each). */
export function promptWords(p: string): number {
  return p.replace(/\$[^$]*\$/g, "X").split(/\s+/).filter((w) => /[A-Za-z0-9]/.test(w)).length;
}

/** A prompt that carries no instruction of its own: ≤ 2 words, or a verb whose object is only a pronoun. */
export function isWeakPrompt(p: string): boolean {
  const t = p.trim().replace(/[.!?…]+$/, "");
  if (promptWords(t) <= 2) return true;
  return /^(?:\w+\s+){0,2}\w+\s+(?:it|that|this|them|these|those|so|on|out|up)$/i.test(t) && promptWords(t) <= 3;
}

const CASE_LABEL = /^(?:(?:ok(?:ay)?|now|next|then|so|and|hmm+)\s*[,.]?\s+)?(?:\*\*)?((?:sub)?case\s*(?:\$?[a-z]\s*=\s*-?\d+\$?|\d+|[ivx]+\b|[a-d]\b))(?:\*\*)?\s*[:.)-]?\s*(.*)$/i;
const DECLARATIVE = /^(?:(?:so|then|now|thus|therefore|hence|next|first|and)\s*,?\s+)?(?:i think\s+)?(the|a|an|its|our|their)\s+((?:[^\s=]+\s+){0,6}?[^\s=]+)\s+(?:is|are|equals|will be|should be|would be|must be|comes from|is just)\s+(.+)$/i;
const NOUN_PHRASE = /^(?:(?:ok(?:ay)?|alright|hmm+|so|now|next|then|first(?:ly)?|second(?:ly)?|finally|and|also|after that)\s*[,:]?\s+)+((?:the|a|an|all|each|both|its|our)\s.+)$/i;
const PRONOUN_OBJECT = /\b(it|that|this|them|these|those)\s*([.!?…]*)$/i;
const PHRASE = /\b(?:the|a|an|our)\s+((?:[A-Za-z$\\^_{}()0-9'-]+\s+){0,6}?(?:system|equation|equations|quadratic|expression|sum|product|difference|ratio|fraction|count|number|total|value|remainder|term|series|sequence|identity|formula|inequality|polynomial|factorization|roots?|solutions?|candidates?|pairs?|cases?|area|perimeter|altitude|radius|length|probability|expectation|angle|side|sides|function|derivative|limit|integral|set|list|divisors?|factors?|answer|result)s?(?:\s+(?:of|for|in|from|with|between)\s+(?:the\s+)?[A-Za-z$\\^_{}()0-9'+\-*/ ]{1,40}?)?)(?=[,.;:!?]|\s+(?:and|so|to|which|that|by|using|because)\b|$)/i;

const COUNT_NOUNS = /\b(?:number|count|ways|outcomes|sequences|committees|pairs|divisors|paths|arrangements|subsets|choices|cases|solutions|integers|numbers)\b/i;

function cleanLead(s: string): string {
  return s.trim().replace(LEADING, "");
}

/** The noun phrase a plan talks about ("a linear system in the two unknowns"), for filling a pronoun. */
export function subjectOf(sentences: readonly string[]): string | undefined {
  for (let i = sentences.length - 1; i >= 0; i--) {
    const m = PHRASE.exec(sentences[i] as string);
    if (m) return `the ${(m[1] as string).trim()}`;
  }
  return undefined;
}

/** Closes an odd `$` so a cut never leaves LaTeX open. */
function balanceMath(s: string): string {
  return (s.match(/\$/g)?.length ?? 0) % 2 === 1 ? s.replace(/\s*\$[^$]*$/, "").trim() : s;
}

/** The first math expression of the work (`$…$`, or an equation's left side), short enough for a prompt. */
function firstExpression(workLines: readonly string[]): string | undefined {
  for (const line of workLines.slice(0, 3)) {
    const m = /\$([^$]{2,60})\$/.exec(line);
    if (m && /[=+\-*/^\\]/.test(m[1] as string)) {
      const lhs = (m[1] as string).split("=")[0]?.trim() ?? "";
      if (lhs.length >= 2) return `$${lhs}$`;
    }
    const eq = /(?:^|[\s:,])([A-Za-z0-9(][^=,;:]{0,40}?)\s*=\s*[^=]/.exec(cleanLead(line).replace(/^(?:so|then|that|this|we get|which gives|and|let|now|thus|hence)\s+/i, ""));
    const lhs = (eq?.[1] ?? "").trim().replace(/^(?:(?:so|then|let|and|thus|hence|we get|that is|which is|this is|i get)\s+)+/i, "");
    // Only a mathematical left side (no English words beyond function names).
    if (lhs !== "" && /\d|[a-z]\s*[-+*/^(]/i.test(lhs) && !/\b(?!(?:sin|cos|tan|log|ln|gcd|lcm|mod|max|min|exp|sqrt)\b)[A-Za-z]{3,}\b/.test(lhs)) return lhs;
  }
  return undefined;
}

/**
 * The executor prompt of a whole step: an imperative instruction with a subject and a goal, drawn from
 * the step — its plan's intent ("Let me square both sides" → "Square both sides"), a plan that names its
 * subject ("Now, the number of divisors." → "Count the number of divisors"), a declarative plan ("So the
 * probability is the ratio of the two counts." → "Compute the probability as the ratio of the two
 * counts"), a case label ("Case 2: the other candidate" → "For case 2 (the other candidate), …"), or the
 * work's first expression ("Compute $2x + 7$"). A pronoun object is replaced by the subject the plan names
 * ("Solve it." → "Solve the linear system in the two unknowns."), and a short instruction gets its goal
 * ("…, and state the result."). Never a one- or two-word stub, never a trace sentence copied verbatim.
 */
export function promptForStep(planLines: readonly string[], workLines: readonly string[], verify: boolean): string {
  const plan = planLines.map((s) => s.trim()).filter((s) => s !== "");
  let caseLabel: { label: string; rest: string } | undefined;
  const opening = plan[0] ?? workLines[0];
  const c = opening !== undefined ? CASE_LABEL.exec(cleanLead(opening)) : null;
  if (c) caseLabel = { label: (c[1] as string).toLowerCase().replace(/\s+/g, " "), rest: (c[2] ?? "").trim().replace(/[.:]+$/, "") };

  let text: string | undefined;
  let weak: string | undefined;
  if (verify) {
    text = verificationFromPlan(plan) ?? promptForVerification(plan[plan.length - 1], workLines);
  } else {
    for (let k = plan.length - 1; k >= 0 && text === undefined; k--) {
      const p = promptFromPlan(plan[k] as string);
      if (p === undefined) continue;
      if (isWeakPrompt(p)) weak ??= p;
      else text = p;
    }
    if (text === undefined) {
      for (const s of plan) {
        const d = DECLARATIVE.exec(cleanLead(s).replace(/[.!]+$/, ""));
        if (d && !/[=]/.test(d[3] as string) && !/^(?:right|correct|wrong|fine|good|consistent|confirmed|verified|true|false|ok(?:ay)?|the same|unique)\b/i.test(d[3] as string)) {
          text = finish(`compute ${(d[1] as string).toLowerCase()} ${d[2] as string} as ${d[3] as string}`);
          break;
        }
        const n = NOUN_PHRASE.exec(s.trim().replace(/[.!:]+$/, ""));
        if (n && !/[=]/.test(n[1] as string) && promptWords(n[1] as string) >= 2) {
          text = finish(`${COUNT_NOUNS.test(n[1] as string) ? "count" : "find"} ${n[1] as string}`);
          break;
        }
      }
    }
    if (text === undefined && weak !== undefined) {
      const subject = subjectOf([...plan, ...workLines.slice(0, 2)]);
      if (subject && PRONOUN_OBJECT.test(weak)) text = finish(weak.replace(PRONOUN_OBJECT, `${subject}$2`));
      else if (subject) text = finish(`${weak.replace(/[.!?…]+$/, "")} ${subject}`);
    }
    if (text === undefined) {
      const expr = firstExpression(workLines);
      const subject = subjectOf(plan) ?? subjectOf(workLines.slice(0, 2));
      if (caseLabel) {
        const what = `${caseLabel.label}${caseLabel.rest ? ` (${balanceMath(caseLabel.rest)})` : ""}`;
        text = finish(expr ? `for ${what}, compute ${balanceMath(expr)} and state what this case gives` : `work out ${what} and state what this case gives`);
      }
      else if (expr) text = finish(`compute ${balanceMath(expr)}${subject ? ` for ${subject}` : ""}`);
      else if (subject) text = finish(`work out ${subject}`);
      else text = fromClause(plan[0] ?? workLines[0] ?? "") ?? finish(`continue the computation from the previous step`);
    }
    if (caseLabel && !/\bcase\b/i.test(text)) {
      text = finish(`for ${caseLabel.label}${caseLabel.rest ? ` (${balanceMath(caseLabel.rest)})` : ""}, ${text.charAt(0).toLowerCase()}${text.slice(1)}`);
    }
  }
  text = balanceMath(text.replace(/[.!?…]+$/, ""));
  const norm = (x: string) => x.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
  const copiesPlan = plan.some((p) => norm(p) === norm(text as string));
  if (promptWords(text) < 6 || copiesPlan) {
    const expr = verify ? undefined : firstExpression(workLines);
    text += verify ? ", and say whether it holds" : expr && !text.includes(expr) ? `, starting from ${balanceMath(expr)}, and state the result` : ", and state the result";
  }
  return finish(text);
}

/**
 * A last-resort instruction from the step's opening clause: a yes/no question becomes "Determine whether …";
 * a statement becomes "Work out what follows from …" (the clause names the subject, the verb the goal).
 */
function fromClause(sentence: string): string | undefined {
  const s = cleanLead(sentence).replace(/^(?:but|and|so|then|also|okay|ok|wait|hmm+|well)\s*,?\s+/i, "").trim();
  if (s === "") return undefined;
  const q = /^(is|are|was|were|does|do|did|can|could|should|will|would|has|have|must)\s+((?:the|a|an|this|that|these|those|both|all|each|our)\s+[\w$\\^{}()-]+|[a-z]|it|they|we|i)\s+(.+?)\?+$/i.exec(s);
  if (q) return finish(`determine whether ${q[2] as string} ${(q[1] as string).toLowerCase()} ${balanceMath(q[3] as string)}`);
  if (s.endsWith("?")) return undefined;
  const clause = s.split(/[,;:]\s+|\s+(?:so|which|because)\s+/i)[0]?.replace(/[.!?]+$/, "").trim() ?? "";
  const words = clause.split(/\s+/);
  if (words.length < 5) return undefined;
  return finish(`work out what follows from this: ${balanceMath(words.slice(0, 14).join(" ")).replace(/^[A-Z](?![A-Z])/, (c) => c.toLowerCase())}`);
}

const VERIFY_OBJECT = /\b(?:verify|double[- ]?check|re-?check|check|confirm|make sure|sanity[- ]check|recompute|re-?verify)\s+(?:again\s+)?(.+)$/i;

/** "Let me double-check the count of favorable sequences by listing …" → "Double-check the count of favorable sequences by listing …". */
function verificationFromPlan(plan: readonly string[]): string | undefined {
  for (let i = plan.length - 1; i >= 0; i--) {
    const s = cleanLead(plan[i] as string).replace(/[.!?]+$/, "");
    const m = VERIFY_OBJECT.exec(s);
    if (!m) continue;
    const object = (m[1] as string).trim();
    if (promptWords(object) < 2 || /^(?:it|this|that|them|these|those)$/i.test(object)) {
      continue;
    }
    return finish(`verify ${object.replace(/^(?:that|whether|if)\s+/i, (w) => w)}`);
  }
  return undefined;
}
