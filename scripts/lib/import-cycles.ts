/**
 * Import-cycle finder over TypeScript sources, built on the TypeScript compiler API (no extra package): parses
 * every file, collects its runtime imports — static `import`/`export … from` (type-only ones are erased by the
 * compiler, so they are skipped), `require()` and dynamic `import()` (a lazy import is still a dependency) —
 * resolves them with the project's compiler options (the `@/` path alias included), and reports every
 * strongly connected component of the graph as a cycle (Tarjan), with one concrete path through it.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

export interface Cycle {
  /** Files of the strongly connected component, relative to the root, sorted. */
  files: string[];
  /** One cycle through them: a → b → … → a. */
  path: string[];
}

/** Runtime imports of one source text (module specifiers as written). */
export function runtimeImports(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, fileName.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const typeOnly =
        c?.isTypeOnly ||
        (c && !c.name && c.namedBindings && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) out.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = node.isTypeOnly || (node.exportClause && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 && node.exportClause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) out.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteralLike(node.arguments[0]!)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require")) out.push((node.arguments[0] as ts.StringLiteralLike).text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** All .ts/.tsx files under `dirs` (relative to root), skipping `ignore` path fragments. */
export function sourceFiles(root: string, dirs: readonly string[], ignore: readonly string[] = []): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      const rel = path.relative(root, p).split(path.sep).join("/");
      if (ignore.some((i) => rel.includes(i))) continue;
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts")) out.push(p);
    }
  };
  for (const d of dirs) walk(path.join(root, d));
  return out.sort();
}

/** The import graph of `files` (absolute paths): file → files it imports at runtime (inside `files` only). */
export function importGraph(files: readonly string[], options: ts.CompilerOptions): Map<string, string[]> {
  const known = new Set(files);
  const host = ts.createCompilerHost(options);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const deps = new Set<string>();
    for (const spec of runtimeImports(file, fs.readFileSync(file, "utf8"))) {
      const r = ts.resolveModuleName(spec, file, options, host).resolvedModule;
      if (r && known.has(path.resolve(r.resolvedFileName))) deps.add(path.resolve(r.resolvedFileName));
    }
    graph.set(file, [...deps]);
  }
  return graph;
}

/** Strongly connected components with more than one file (or a file importing itself), as cycles. */
export function findCycles(graph: Map<string, string[]>, root: string): Cycle[] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const sccs: string[][] = [];
  const strong = (v: string) => {
    // Iterative Tarjan (deep graphs must not overflow the stack).
    const work: { v: string; i: number }[] = [{ v, i: 0 }];
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    while (work.length) {
      const top = work[work.length - 1]!;
      const deps = graph.get(top.v) ?? [];
      if (top.i < deps.length) {
        const w = deps[top.i++]!;
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, idx.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1]!.v;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.v)!));
      }
      if (low.get(top.v) === idx.get(top.v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          scc.push(w);
        } while (w !== top.v);
        if (scc.length > 1 || (graph.get(top.v) ?? []).includes(top.v)) sccs.push(scc);
      }
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) strong(v);
  const rel = (f: string) => path.relative(root, f).split(path.sep).join("/");
  return sccs.map((scc) => {
    const members = new Set(scc);
    const start = [...scc].sort()[0]!;
    // Shortest way back to `start` inside the component (BFS).
    const prev = new Map<string, string>();
    const queue = [start];
    let found = false;
    while (queue.length && !found) {
      const v = queue.shift()!;
      for (const w of graph.get(v) ?? []) {
        if (!members.has(w)) continue;
        if (w === start) {
          prev.set(start + "#end", v);
          found = true;
          break;
        }
        if (!prev.has(w)) {
          prev.set(w, v);
          queue.push(w);
        }
      }
    }
    const cyclePath = [start];
    let cur = prev.get(start + "#end");
    while (cur && cur !== start) {
      cyclePath.unshift(cur);
      cur = prev.get(cur);
    }
    cyclePath.unshift(start);
    return { files: scc.map(rel).sort(), path: cyclePath.map(rel) };
  });
}

/** The compiler options of a tsconfig.json (paths, moduleResolution …). */
export function compilerOptions(tsconfigPath: string): ts.CompilerOptions {
  const cfg = ts.readConfigFile(tsconfigPath, ts.sys.readFile);
  if (cfg.error) throw new Error(ts.flattenDiagnosticMessageText(cfg.error.messageText, "\n"));
  return ts.parseJsonConfigFileContent(cfg.config, ts.sys, path.dirname(tsconfigPath)).options;
}

/** Cycles among the sources of a project. */
export function projectCycles(root: string, dirs: readonly string[], ignore: readonly string[] = []): Cycle[] {
  const options = compilerOptions(path.join(root, "tsconfig.json"));
  return findCycles(importGraph(sourceFiles(root, dirs, ignore), options), root);
}
