/**
 * A small, safe evaluator for the subset of CEL (Inngest's expression language, spec 1.3.1) the
 * runner supports:
 *
 *   - field paths on the allowed roots (`event`, `async`): `event.data.userId`, `event.data["a-b"]`,
 *     `event.data.items[0]`
 *   - string ('..' or ".."), number, bool and null literals
 *   - `==  !=  <  >  <=  >=  &&  ||  !  +  -  *  /  %` and parentheses
 *
 * Anything else (function/macro calls such as `size()` or `has()`, `in`, the ternary operator, list
 * or map literals, other identifiers) is refused when the expression is compiled, i.e. at sync.
 * There is no `eval`: expressions are tokenized, parsed to an AST and interpreted.
 */

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly expression: string,
    readonly position?: number,
  ) {
    super(position === undefined ? `${message} in expression ${JSON.stringify(expression)}` : `${message} at position ${position} in expression ${JSON.stringify(expression)}`);
    this.name = "ExpressionError";
  }
}

/** Raised while evaluating (type mismatch, division by zero...). */
export class EvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EvaluationError";
  }
}

type Literal = string | number | boolean | null;
type BinaryOp = "==" | "!=" | "<" | ">" | "<=" | ">=" | "&&" | "||" | "+" | "-" | "*" | "/" | "%";

export type Node =
  | { type: "lit"; value: Literal }
  | { type: "ident"; name: string }
  | { type: "member"; object: Node; property: string }
  | { type: "index"; object: Node; index: Node }
  | { type: "unary"; op: "!" | "-"; arg: Node }
  | { type: "binary"; op: BinaryOp; left: Node; right: Node };

type Token =
  | { kind: "num"; value: number; pos: number }
  | { kind: "str"; value: string; pos: number }
  | { kind: "ident"; value: string; pos: number }
  | { kind: "op"; value: string; pos: number }
  | { kind: "eof"; pos: number };

const OPERATORS = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "%", "(", ")", ".", "[", "]"];
const REFUSED_PUNCT: Record<string, string> = {
  "?": "the ternary operator is not supported",
  ":": "the ternary operator and map literals are not supported",
  "{": "map literals are not supported",
  ",": "lists and function arguments are not supported",
};

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^(?:\d+\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|0x[0-9a-fA-F]+|\d+)(u|U)?/.exec(src.slice(i));
      if (!m) throw new ExpressionError("invalid number", src, i);
      const text = m[0].replace(/[uU]$/, "");
      tokens.push({ kind: "num", value: Number(text), pos: i });
      i += m[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      const quote = c;
      let j = i + 1;
      let out = "";
      let closed = false;
      while (j < src.length) {
        const d = src[j] as string;
        if (d === "\\") {
          const e = src[j + 1];
          const map: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"' };
          if (e === undefined || map[e] === undefined) throw new ExpressionError("unsupported escape sequence", src, j);
          out += map[e];
          j += 2;
          continue;
        }
        if (d === quote) {
          closed = true;
          j++;
          break;
        }
        out += d;
        j++;
      }
      if (!closed) throw new ExpressionError("unterminated string", src, i);
      tokens.push({ kind: "str", value: out, pos: i });
      i = j;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
      const word = m ? m[0] : c;
      tokens.push({ kind: "ident", value: word, pos: i });
      i += word.length;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) {
      tokens.push({ kind: "op", value: op, pos: i });
      i += op.length;
      continue;
    }
    const why = REFUSED_PUNCT[c];
    throw new ExpressionError(why ? `unsupported syntax "${c}" (${why})` : `unexpected character "${c}"`, src, i);
  }
  tokens.push({ kind: "eof", pos: src.length });
  return tokens;
}

const BINARY_PRECEDENCE: Record<string, number> = {
  "||": 1,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "<": 4,
  ">": 4,
  "<=": 4,
  ">=": 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
  "%": 6,
};

class Parser {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly tokens: Token[],
    private readonly roots: ReadonlySet<string>,
  ) {}

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }
  private next(): Token {
    const t = this.tokens[this.i] as Token;
    this.i++;
    return t;
  }
  private isOp(value: string): boolean {
    const t = this.peek();
    return t.kind === "op" && t.value === value;
  }
  private expectOp(value: string): void {
    const t = this.next();
    if (t.kind !== "op" || t.value !== value) throw new ExpressionError(`expected "${value}"`, this.src, t.pos);
  }

  parse(): Node {
    const node = this.parseBinary(1);
    const t = this.peek();
    if (t.kind !== "eof") {
      if (t.kind === "ident" && t.value === "in") throw new ExpressionError('the "in" operator is not supported', this.src, t.pos);
      throw new ExpressionError("unexpected token", this.src, t.pos);
    }
    return node;
  }

  private parseBinary(minPrec: number): Node {
    let left = this.parseUnary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== "op") break;
      const prec = BINARY_PRECEDENCE[t.value];
      if (prec === undefined || prec < minPrec) break;
      this.next();
      const right = this.parseBinary(prec + 1);
      left = { type: "binary", op: t.value as BinaryOp, left, right };
    }
    return left;
  }

  private parseUnary(): Node {
    if (this.isOp("!")) {
      this.next();
      return { type: "unary", op: "!", arg: this.parseUnary() };
    }
    if (this.isOp("-")) {
      this.next();
      const arg = this.parseUnary();
      if (arg.type === "lit" && typeof arg.value === "number") return { type: "lit", value: -arg.value };
      return { type: "unary", op: "-", arg };
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Node {
    let node = this.parsePrimary();
    for (;;) {
      if (this.isOp(".")) {
        this.next();
        const t = this.next();
        if (t.kind !== "ident") throw new ExpressionError("expected a field name after '.'", this.src, t.pos);
        if (this.isOp("(")) throw new ExpressionError(`method calls are not supported (".${t.value}()")`, this.src, t.pos);
        node = { type: "member", object: node, property: t.value };
        continue;
      }
      if (this.isOp("[")) {
        this.next();
        const index = this.parseBinary(1);
        this.expectOp("]");
        node = { type: "index", object: node, index };
        continue;
      }
      break;
    }
    return node;
  }

  private parsePrimary(): Node {
    const t = this.next();
    switch (t.kind) {
      case "num":
        return { type: "lit", value: t.value };
      case "str":
        return { type: "lit", value: t.value };
      case "ident": {
        if (t.value === "true") return { type: "lit", value: true };
        if (t.value === "false") return { type: "lit", value: false };
        if (t.value === "null") return { type: "lit", value: null };
        if (this.isOp("(")) throw new ExpressionError(`function calls are not supported ("${t.value}()")`, this.src, t.pos);
        if (!this.roots.has(t.value)) {
          throw new ExpressionError(`unknown identifier "${t.value}" (allowed: ${[...this.roots].join(", ")})`, this.src, t.pos);
        }
        return { type: "ident", name: t.value };
      }
      case "op":
        if (t.value === "(") {
          const inner = this.parseBinary(1);
          this.expectOp(")");
          return inner;
        }
        if (t.value === "[") throw new ExpressionError("list literals are not supported", this.src, t.pos);
        throw new ExpressionError(`unexpected "${t.value}"`, this.src, t.pos);
      case "eof":
        throw new ExpressionError("unexpected end of expression", this.src, t.pos);
    }
  }
}

export type Vars = Record<string, unknown>;

export interface CompiledExpression {
  readonly source: string;
  readonly ast: Node;
  evaluate(vars: Vars): unknown;
}

/** Parses and validates an expression; throws ExpressionError for anything outside the subset. */
export function compileExpression(source: string, roots: readonly string[] = ["event"]): CompiledExpression {
  if (typeof source !== "string" || !source.trim()) throw new ExpressionError("empty expression", String(source));
  const ast = new Parser(source, tokenize(source), new Set(roots)).parse();
  return { source, ast, evaluate: (vars) => evaluate(ast, vars) };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao);
  return ak.length === Object.keys(bo).length && ak.every((k) => Object.hasOwn(bo, k) && deepEqual(ao[k], bo[k]));
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "list";
  if (typeof v === "object") return "map";
  return typeof v === "number" ? "number" : typeof v;
}

function access(obj: unknown, key: unknown): unknown {
  if (Array.isArray(obj) && typeof key === "number") return Number.isInteger(key) ? (obj[key] ?? null) : null;
  if (isPlainObject(obj) && (typeof key === "string" || typeof key === "number")) {
    const k = String(key);
    return Object.hasOwn(obj, k) ? (obj[k] ?? null) : null;
  }
  // Missing fields read as null rather than raising, so `event.data.missing == null` holds.
  return null;
}

function asBool(v: unknown, op: string): boolean {
  if (typeof v !== "boolean") throw new EvaluationError(`"${op}" expects booleans, got ${typeName(v)}`);
  return v;
}

function evaluate(node: Node, vars: Vars): unknown {
  switch (node.type) {
    case "lit":
      return node.value;
    case "ident":
      return Object.hasOwn(vars, node.name) ? (vars[node.name] ?? null) : null;
    case "member":
      return access(evaluate(node.object, vars), node.property);
    case "index":
      return access(evaluate(node.object, vars), evaluate(node.index, vars));
    case "unary": {
      const v = evaluate(node.arg, vars);
      if (node.op === "!") return !asBool(v, "!");
      if (typeof v !== "number") throw new EvaluationError(`unary "-" expects a number, got ${typeName(v)}`);
      return -v;
    }
    case "binary": {
      if (node.op === "&&") return asBool(evaluate(node.left, vars), "&&") && asBool(evaluate(node.right, vars), "&&");
      if (node.op === "||") return asBool(evaluate(node.left, vars), "||") || asBool(evaluate(node.right, vars), "||");
      const l = evaluate(node.left, vars);
      const r = evaluate(node.right, vars);
      switch (node.op) {
        case "==":
          return deepEqual(l, r);
        case "!=":
          return !deepEqual(l, r);
        case "<":
        case ">":
        case "<=":
        case ">=": {
          if (!((typeof l === "number" && typeof r === "number") || (typeof l === "string" && typeof r === "string"))) {
            throw new EvaluationError(`cannot compare ${typeName(l)} and ${typeName(r)} with "${node.op}"`);
          }
          if (node.op === "<") return l < r;
          if (node.op === ">") return l > r;
          if (node.op === "<=") return l <= r;
          return l >= r;
        }
        case "+":
          if (typeof l === "number" && typeof r === "number") return l + r;
          if (typeof l === "string" && typeof r === "string") return l + r;
          if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
          throw new EvaluationError(`cannot add ${typeName(l)} and ${typeName(r)}`);
        default: {
          if (typeof l !== "number" || typeof r !== "number") throw new EvaluationError(`"${node.op}" expects numbers, got ${typeName(l)} and ${typeName(r)}`);
          if (node.op === "-") return l - r;
          if (node.op === "*") return l * r;
          if (r === 0) throw new EvaluationError("division by zero");
          return node.op === "/" ? l / r : l % r;
        }
      }
    }
  }
}

const cache = new Map<string, CompiledExpression>();

/** Compiles once per (source, roots) pair. */
export function compiled(source: string, roots: readonly string[]): CompiledExpression {
  const k = `${roots.join(",")}\u0000${source}`;
  let c = cache.get(k);
  if (!c) {
    c = compileExpression(source, roots);
    cache.set(k, c);
  }
  return c;
}

/** Evaluates a filter: true only for a boolean true; errors count as "no match". */
export function matches(source: string, roots: readonly string[], vars: Vars): { ok: boolean; error?: string } {
  try {
    const v = compiled(source, roots).evaluate(vars);
    return { ok: v === true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Evaluates a key expression (concurrency, idempotency) to a string. */
export function evaluateKey(source: string, vars: Vars): string {
  const v = compiled(source, ["event"]).evaluate(vars);
  return typeof v === "string" ? v : JSON.stringify(v ?? null);
}
