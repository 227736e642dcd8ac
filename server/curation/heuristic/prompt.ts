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
  { re: /\b(?:to (?:find|solve|compute|calculate|determine|get|make|reach|evaluate|simplify|show|prove))\b(.+)$/i, prefix: "" },
];

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
  t = t.replace(/\s+(?:instead|first|then|again|here|now|as well|too|works better|would work|could work|might work)$/i, "");
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
      return finish(`verify that ${eq}`);
    }
  }
  const fromPlan = planSentence === undefined ? undefined : promptFromPlan(planSentence);
  if (fromPlan !== undefined && fromPlan.split(" ").length > 2) return fromPlan;
  return "Verify the result found above.";
}
