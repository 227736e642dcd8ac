/**
 * Discourse lexicon of the offline curation backend: which sentences open a new train of thought
 * (plan/intent), which verify an earlier result, which only comment on the work, which continue it,
 * and which point back at something found earlier. English, case-insensitive, tuned on R1-style
 * traces ("Okay, so…", "Wait,", "Alternatively,", "Let me verify…") and on the generated Countdown
 * traces. Pure; every function looks at one sentence.
 */

/** Interjections and connectives that may precede the real opening of a sentence. */
const LEAD = String.raw`(?:(?:ok(?:ay)?|alright|all right|hmm+|hm+|wait|well|so|now|next|then|first(?:ly)?|second(?:ly)?|third(?:ly)?|finally|also|and|but|actually|oh|ah|right|good|great|no|yes|instead|again|lastly|at this point)\s*[,:;!.-]?\s+)*`;

/** Verifying an earlier result: always opens a new component (the paper's rule). */
const VERIFY = new RegExp(
  String.raw`^${LEAD}(?:` +
    String.raw`(?:before (?:answering|finali[sz]ing|i (?:answer|finish|conclude|commit)|we (?:answer|finish|conclude)|moving on|going further),?\s+)?` +
    String.raw`(?:let me|let's|let us|i(?:'ll| will| should| can| want to| need to| must)?|we(?:'ll| will| should| can| want to| need to| must)?|i'd better|better)\s+(?:just\s+|quickly\s+|now\s+|also\s+|first\s+|again\s+|carefully\s+)*` +
    String.raw`(?:verify|double[- ]?check|re-?check|check (?:this|that|it|the (?:answer|result|solution|work|whole|computation|calculation|arithmetic|constraint)|again|my|our|both|each|all|every|these|those|if (?:this|that|it) (?:is|works)|whether (?:this|that|it) (?:is|works)|back)|confirm|make sure|sanity[- ]check|validate|plug (?:it|this|these|them|the)[^.]*\bback\b|substitute (?:it|this|these|them)?\s*back|test (?:this|that|it|the (?:answer|result|solution))|go over (?:this|it|the)|recompute|re-?verify)` +
    String.raw`|to (?:verify|confirm|double[- ]?check|check)\b` +
    String.raw`|(?:verification|verifying|double[- ]?checking|checking(?: the (?:answer|result|solution))?|sanity check)\s*[:,.]` +
    String.raw`|(?:check|verify|double[- ]?check)\s*:` +
    String.raw`|(?:verify|double[- ]?check|re-?check|confirm|sanity[- ]check)\b` +
    String.raw`|let me see if (?:this|that|it) (?:is right|is correct|works|checks out)` +
    String.raw`|does (?:this|that|it) (?:check out|work|make sense)\??` +
    String.raw`)`,
  "i",
);

/** Sentence openings that start a new train of thought (at the start, after interjections). */
const OPENER = new RegExp(
  String.raw`^(?:` +
    String.raw`(?:ok(?:ay)?|alright|all right|hmm+|hm+|wait|but wait|oh|ah)\b` +
    String.raw`|alternatively\b|another (?:approach|idea|way|option|possibility|thought|attempt|strategy|method)\b` +
    String.raw`|(?:a|one) (?:different|other|better|simpler|natural|good|possible) (?:approach|idea|way|option|move|strategy|method)\b` +
    String.raw`|on the other hand\b|instead\b|what if\b|how about\b|what about\b|maybe\b|perhaps\b|suppose\b|assume\b|consider\b|let's\b|let me\b|let us\b` +
    String.raw`|going back\b|go back\b|back to\b|returning to\b|coming back to\b|starting (?:over|again)\b` +
    String.raw`|(?:now|next|then|so|first|second|third|finally|also)\s*,?\s+(?:let(?:'s| me| us)|we (?:need|want|should|can|have to|must|will|'ll)|i (?:need|want|should|will|'ll|can|must|have to))\b` +
    String.raw`|step \d+\b|case \d+\b|part \(?[a-z0-9]\)?\s*[:.)]` +
    String.raw`|i (?:need|want|have) to\b|i (?:should|will|'ll|could|might|must)\b|i (?:think|guess|wonder|recall)\b|i can (?:try|use|start|also)\b` +
    String.raw`|we (?:need|want|have) to\b|we (?:should|will|'ll|could|might|must)\b|we can (?:try|use|start|also)\b|it (?:helps|might help|would help|could help|is (?:useful|helpful|worth)) to\b` +
    String.raw`|the (?:next|first|last|final|remaining) (?:step|thing|part|question|case|task)\b` +
    String.raw`|to (?:find|solve|compute|calculate|determine|get|make|reach|figure|evaluate|simplify|show|prove)\b` +
    String.raw`|since\b[^.]*\b(?:maybe|let me|let's|i can|we can|i could|we could)\b` +
    String.raw`)`,
  "i",
);

/** Intent anywhere in a sentence ("…, so let me see if I can build 8", "A natural first move is …"). */
const INTENT_ANYWHERE = new RegExp(
  String.raw`\b(?:let me|let's|let us|what if|how about|maybe (?:i|we) (?:can|could|should)|(?:i|we) (?:could|can|should|will|'ll|might) (?:try|use|start|begin|make|build|look|see|go)|another (?:idea|approach|option|way)|(?:natural|obvious|good|first|next|different|better|simpler|possible) (?:move|step|idea|approach|attempt|option|strategy)|there are other (?:options|possibilities|ways|choices))\b`,
  "i",
);

/** Sentences that only judge the work just done: trailing comment lines. */
const COMMENT = new RegExp(
  String.raw`^(?:` +
    String.raw`that(?:'s| is)? (?:it|exactly|right|correct|wrong|incorrect|not|close|too|works|fails|hits|the (?:target|answer)|good|great|perfect|promising|a dead end|no good|impossible|off)\b` +
    String.raw`|that'?s \d` +
    String.raw`|(?:that|this|it) (?:works|worked|fails|failed|checks out|doesn't|does not|won't|will not|didn't|did not|can't|cannot|isn't|is not|hits|matches)\b` +
    String.raw`|there it is\b|yes\b|yep\b|nope\b|no luck\b|dead end\b|nothing (?:here|works|there)\b|none of (?:these|them|those)\b|not quite\b` +
    String.raw`|close,|so close\b|too (?:big|small|large|high|low)\b|not (?:\d|the|a|an|it|there)\b|oops\b|great\b|perfect\b|good\b|correct\b|right\b|wrong\b` +
    String.raw`|(?:so|therefore|thus|hence),? (?:the|my|our) (?:final )?answer\b|(?:the|my|our) (?:final )?answer (?:is|should be|would be)\b|\**final answer\b` +
    String.raw`|(?:so|therefore|thus|hence),? (?:this|that|it) (?:works|is (?:correct|right|confirmed|consistent|verified))\b` +
    String.raw`|(?:that|this) (?:seems|looks|confirms|makes sense)\b|makes sense\b|confirmed\b|consistent\b` +
    String.raw`)`,
  "i",
);

/** Sentences that carry on the work in progress (never open a component at a paragraph start). */
const CONTINUATION = /^(?:so|then|thus|therefore|hence|which|and|but|that|this|it|also|or|plus|because|since|where|here)\b/i;

/** "Now, …", "Next, …", "First, …": a new sub-task unless the sentence is itself work ("Next, 83 - 17 = 66."). */
const SEQUENCE = /^(?:now|next|then|first(?:ly)?|second(?:ly)?|third(?:ly)?|fourth|finally|lastly|after that)\s*,/i;

/** Explicit references back to an earlier result. */
const BACK_REFERENCE = new RegExp(
  String.raw`\b(?:from before|from (?:the )?(?:step|result|part|case|calculation|computation)s? (?:above|before|earlier)|from (?:above|earlier)` +
    String.raw`|going back to|go back to|back to|returning to|coming back to` +
    String.raw`|as (?:we|i) (?:found|computed|calculated|showed|saw|got|derived|established|noted|determined)` +
    String.raw`|using (?:the|this|that|our|my|these|those) (?:result|value|values|fact|formula|equation|expression|factor pair|factorization|identity)s?` +
    String.raw`|(?:we|i) (?:found|computed|calculated|showed|got|derived|established|determined) (?:earlier|before|above|previously)` +
    String.raw`|earlier|previously|recall(?: that)?|remember(?: that)?|the (?:previous|earlier|above|last) (?:result|step|value|calculation|equation|answer|case)` +
    String.raw`|we already (?:know|have|found)|i already (?:know|have|found)` +
    String.raw`|(?<!start |starting |begin |beginning )from (?:having )?-?\d+(?:\.\d+)?(?:,\s*-?\d+(?:\.\d+)?)+,?\s+and\s+-?\d+(?:\.\d+)?)\b`,
  "i",
);

/** Work: arithmetic, an equation, LaTeX math or a result verb followed by a number. */
const WORK = /[=≈]|\d\s*[-+*/×÷^·]\s*\(?\s*\d|\\(?:frac|sqrt|times|cdot|div|sum|int|prod|binom|pm)\b|\$[^$]*\d[^$]*\$|\b(?:gives?|get|gets|got|equals?|yields?|leaves?|remaining)\b[^.]*\d/i;

export function isVerifySentence(line: string): boolean {
  return VERIFY.test(line.trim());
}

/** Opens a new train of thought: a discourse marker at the start or an intent phrase anywhere. */
export function isIntentSentence(line: string): boolean {
  const s = line.trim();
  return (
    OPENER.test(s) ||
    INTENT_ANYWHERE.test(s) ||
    (SEQUENCE.test(s) && !WORK.test(s)) ||
    (s.endsWith("?") && !/^(?:right|correct|no|yes|isn't it|is it)\?$/i.test(s))
  );
}

export function isCommentSentence(line: string): boolean {
  const s = line.trim();
  if (/\\boxed\s*\{/.test(s) && !/(?:^|[^\\])\b(?:let me|let's|we need)\b/i.test(s)) return true;
  if (!COMMENT.test(s)) return false;
  // A judgement never carries a fresh computation ("That gives 35 - 21 = 14" is work).
  return !/[=]/.test(s.replace(/\\boxed\s*\{[^}]*\}/g, ""));
}

export function isContinuationSentence(line: string): boolean {
  return CONTINUATION.test(line.trim());
}

export function hasBackReference(line: string): boolean {
  return BACK_REFERENCE.test(line);
}

export function isWorkSentence(line: string): boolean {
  return WORK.test(line);
}

/** Finite verbs and auxiliaries: a sentence with one states something; a headline names a sub-task without one. */
const FINITE = /\b(?:is|are|was|were|be|been|being|am|isn't|aren't|wasn't|has|have|had|do|does|did|don't|doesn't|can|could|would|should|will|must|may|might|shall|gives?|gave|gets?|got|equals?|means|makes|made|becomes?|came|comes|goes|went|works|worked|fails|failed|holds|matches|agrees|needs|seems|looks|leaves|contributes|says|said|counts|adds|takes|took|stays|lies|appear|appears|occurs?|found|know|think|need|want|get|see|saw|hold|agree|match|work|fail|remain|remains|differ|differs|cancel|cancels|survive|survives)\b|'(?:s|re|ll|ve|d|m)\b/i;

/**
 * A headline: a short line that names the next sub-task without stating anything ("Full house.", "The sick
 * branch.", "Check $x = 5$.", "Rotations by two positions, $m = 2$ and $m = 4$.", "Case B: $2$ men and $3$
 * women."): at most ten words once inline math is set aside, no finite verb, not a continuation ("So …",
 * "Then …") and no judgement. Its math is a label, not work.
 */
export function isHeadline(line: string): boolean {
  const s = line.trim().replace(/\$[^$]*\$/g, " M ").replace(/\\\([^)]*\\\)/g, " M ");
  if (s === "" || !/[.:]$/.test(s) || /[=<>≤≥]/.test(s) || CONTINUATION.test(s) || isCommentSentence(s) || /\?/.test(s)) return false;
  const words = s.match(/[A-Za-z][A-Za-z'-]*|\d+/g) ?? [];
  // At least one word outside the math: a line of bare math is work.
  return words.some((w) => w !== "M") && words.length <= 10 && !FINITE.test(s);
}
