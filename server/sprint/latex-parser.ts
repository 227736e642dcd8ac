/**
 * The one recursive-descent reader of normalized LaTeX answers (output of `normalizeMathAnswer`), over an
 * algebra of values: grading's numeric evaluation (numbers) and math-exact's exact comparison (rational
 * functions) read the same grammar and differ only in what a literal, an operation or a command means.
 *
 * Grammar (loosest first):
 *   expr    := term (("+" | "-") term)*
 *   term    := unary (("*" | "/" | "\div") unary | implicit)*   implicit: a primary right after, e.g. `2x`,
 *              `3\pi`, `(a)(b)`; `2\frac{1}{2}` right after a whole number is a mixed number (2 + 1/2,
 *              the sign following the whole part: `-1\frac{1}{2}` = −3/2)
 *   unary   := ("-" | "+") unary | power
 *   power   := postfix ("^" ("{" expr "}" | "-"? atom))?        so `-2^2` = −4 and `2^3^2` is an error
 *   postfix := primary "!"*                                       (when the algebra has a factorial)
 *   atom    := digit | primary                                    `x^23` = x²·3, as LaTeX typesets it
 *   primary := number | "(" expr ")" | "{" expr "}" | "[" expr "]" (when the algebra allows it)
 *            | "\" command | letter ("_" (word char | "{" word "}"))?
 * A command name is the algebra's longest glued name that prefixes the text (`\sinx` = `\sin x`, spaces being
 * gone after normalization), else the whole run of letters; it must be one of the algebra's commands, which
 * read their own arguments through {@link CommandArgs}.
 *
 * Errors: {@link LatexSyntaxError} for input outside the grammar; an algebra may throw its own errors (both
 * callers catch everything and answer null). Pure.
 */

/** Input outside the grammar. */
export class LatexSyntaxError extends Error {}

/**
 * A syntax error without a stack trace: graders read many answers that are not math ("undecided", prose), so
 * refusing one must be cheap (capturing the stack was most of the cost of such a read).
 */
function syntaxError(message: string): LatexSyntaxError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new LatexSyntaxError(message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** What a command reads its arguments with. */
export interface CommandArgs<V> {
  /** A required `{…}` argument. */
  braced(): V;
  /** An optional `[…]` argument (e.g. the index of `\sqrt[3]{…}`), undefined when none follows. */
  optional(): V | undefined;
  /** A function's argument: `{…}`, `(…)`, or else a power (`\sin x^2` = sin(x²), `\ln 2x` = ln(2)·x). */
  fnArg(): V;
}

/** The value domain a {@link LatexGrammar} reads into. Operations may throw to reject an input. */
export interface LatexAlgebra<V> {
  /** A decimal literal as written: `12`, `0.5`, `3.` (no sign). */
  number(text: string): V;
  add(a: V, b: V): V;
  sub(a: V, b: V): V;
  mul(a: V, b: V): V;
  div(a: V, b: V): V;
  neg(a: V): V;
  pow(base: V, exponent: V): V;
  /** Whether a value is negative (the sign of a mixed number's whole part). */
  isNegative(a: V): boolean;
  /** `n!`; without it a `!` is outside the grammar. */
  factorial?: (a: V) => V;
  /** Commands by name (without the backslash). */
  commands: Readonly<Record<string, (args: CommandArgs<V>) => V>>;
  /** Command names read even when letters follow them (`\sinx` = `\sin x`); the longest that fits wins. */
  glued?: readonly string[];
  /** Whether `[…]` groups like `(…)`. */
  squareBrackets?: boolean;
}

const NUMBER = /\d+(?:\.\d*)?|\.\d+/y;
const LETTERS = /\\([a-zA-Z]+)/y;
const SUBSCRIPT = /_(?:\{(\w+)\}|(\w))/y;
const MIXED_FRACTION = /\\frac\{\d+\}\{\d+\}/y;
const NOT_A_START = "+-*/^)]}=,!";

/** A grammar over one algebra; {@link parse} reads one expression. Build it once per algebra (it compiles regexes). */
export class LatexGrammar<V> {
  /** @internal */ readonly gluedRe: RegExp | null;

  constructor(readonly algebra: LatexAlgebra<V>) {
    const glued = [...(algebra.glued ?? [])].sort((x, y) => y.length - x.length);
    for (const name of glued) {
      if (!/^[a-zA-Z]+$/.test(name) || !Object.hasOwn(algebra.commands, name)) throw new Error(`glued command \\${name} has no definition`);
    }
    this.gluedRe = glued.length ? new RegExp(`\\\\(${glued.join("|")})`, "y") : null;
  }

  /**
   * The value of a whole normalized expression. `variable` gives the value of a letter (with its subscript:
   * `x`, `a_1`, `x_{12}`). Throws {@link LatexSyntaxError} (or the algebra's error) when it does not read.
   */
  parse(text: string, variable: (name: string) => V): V {
    return new Cursor(this, text, variable).run();
  }
}

class Cursor<V> implements CommandArgs<V> {
  private pos = 0;
  /** Whether the last primary read was a whole-number literal (for mixed numbers). */
  private lastInt = false;
  /** The last {@link commandName} lookup: its position and result (implicit multiplication asks, then reads). */
  private cmdPos = -1;
  private cmdName: string | null = null;
  private readonly a: LatexAlgebra<V>;

  constructor(
    private readonly g: LatexGrammar<V>,
    private readonly s: string,
    private readonly variable: (name: string) => V,
  ) {
    this.a = g.algebra;
  }

  run(): V {
    const v = this.expr();
    if (this.pos !== this.s.length) throw syntaxError(`unexpected ${this.s[this.pos]} at ${this.pos}`);
    return v;
  }

  private expr(): V {
    let v = this.term();
    for (;;) {
      const c = this.s[this.pos];
      if (c === "+") {
        this.pos++;
        v = this.a.add(v, this.term());
      } else if (c === "-") {
        this.pos++;
        v = this.a.sub(v, this.term());
      } else return v;
    }
  }

  private term(): V {
    let v = this.unary();
    let lastWasInt = this.lastInt;
    for (;;) {
      const c = this.s[this.pos];
      if (c === "*") {
        this.pos++;
        v = this.a.mul(v, this.unary());
      } else if (c === "/") {
        this.pos++;
        v = this.a.div(v, this.unary());
      } else if (this.s.startsWith("\\div", this.pos)) {
        this.pos += 4;
        v = this.a.div(v, this.unary());
      } else if (this.startsPrimary()) {
        if (lastWasInt && this.matches(MIXED_FRACTION)) {
          const frac = this.unary();
          v = this.a.isNegative(v) ? this.a.sub(v, frac) : this.a.add(v, frac);
        } else v = this.a.mul(v, this.unary());
      } else return v;
      lastWasInt = false;
    }
  }

  /** Whether a primary starts here (implicit multiplication). */
  private startsPrimary(): boolean {
    const c = this.s[this.pos] ?? "";
    if (c === "" || NOT_A_START.includes(c)) return false;
    if (c === "\\") return this.commandName() !== null;
    return true;
  }

  private unary(): V {
    const c = this.s[this.pos];
    if (c === "-") {
      this.pos++;
      return this.a.neg(this.unary());
    }
    if (c === "+") {
      this.pos++;
      return this.unary();
    }
    return this.power();
  }

  private power(): V {
    const base = this.postfix();
    if (this.s[this.pos] !== "^") return base;
    this.lastInt = false;
    this.pos++;
    let exp: V;
    if (this.s[this.pos] === "{") exp = this.group("{", "}");
    else if (this.s[this.pos] === "-") {
      this.pos++;
      exp = this.a.neg(this.atom());
    } else exp = this.atom();
    return this.a.pow(base, exp);
  }

  private postfix(): V {
    let v = this.primary();
    const factorial = this.a.factorial;
    if (!factorial) return v;
    while (this.s[this.pos] === "!") {
      this.pos++;
      this.lastInt = false;
      v = factorial(v);
    }
    return v;
  }

  private group(open: string, close: string): V {
    if (this.s[this.pos] !== open) throw syntaxError(`expected ${open} at ${this.pos}`);
    this.pos++;
    const v = this.expr();
    if (this.s[this.pos] !== close) throw syntaxError(`expected ${close} at ${this.pos}`);
    this.pos++;
    return v;
  }

  /** A single-token exponent: one digit, else a primary. */
  private atom(): V {
    const c = this.s[this.pos] ?? "";
    if (c >= "0" && c <= "9") {
      this.pos++;
      return this.a.number(c);
    }
    return this.primary();
  }

  private primary(): V {
    this.lastInt = false;
    const c = this.s[this.pos];
    if (c === "." || (c !== undefined && c >= "0" && c <= "9")) {
      const num = this.match(NUMBER);
      if (num !== null) {
        this.pos += num[0].length;
        this.lastInt = !num[0].includes(".");
        return this.a.number(num[0]);
      }
    }
    if (c === "(") return this.group("(", ")");
    if (c === "{") return this.group("{", "}");
    if (c === "[" && this.a.squareBrackets) return this.group("[", "]");
    if (c === "\\") {
      const name = this.commandName();
      if (name === null) throw syntaxError(`unknown command at ${this.pos}`);
      this.pos += name.length + 1;
      return this.a.commands[name]!(this);
    }
    if (c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z"))) {
      this.pos++;
      let name = c;
      const sub = this.s[this.pos] === "_" ? this.match(SUBSCRIPT) : null;
      if (sub !== null) {
        this.pos += sub[0].length;
        name += `_${sub[1] ?? sub[2] ?? ""}`;
      }
      return this.variable(name);
    }
    throw syntaxError(`unexpected ${c ?? "end"} at ${this.pos}`);
  }

  /** The known command at a backslash here (glued names first), else null. */
  private commandName(): string | null {
    if (this.cmdPos === this.pos) return this.cmdName;
    this.cmdPos = this.pos;
    const glued = this.g.gluedRe ? this.match(this.g.gluedRe) : null;
    if (glued !== null) return (this.cmdName = glued[1]!);
    const name = this.match(LETTERS)?.[1];
    return (this.cmdName = name !== undefined && Object.hasOwn(this.a.commands, name) ? name : null);
  }

  private match(re: RegExp): RegExpExecArray | null {
    re.lastIndex = this.pos;
    return re.exec(this.s);
  }

  private matches(re: RegExp): boolean {
    re.lastIndex = this.pos;
    return re.test(this.s);
  }

  // CommandArgs
  braced(): V {
    return this.group("{", "}");
  }

  optional(): V | undefined {
    return this.s[this.pos] === "[" ? this.group("[", "]") : undefined;
  }

  fnArg(): V {
    const c = this.s[this.pos];
    if (c === "{") return this.group("{", "}");
    if (c === "(") return this.group("(", ")");
    return this.power();
  }
}
