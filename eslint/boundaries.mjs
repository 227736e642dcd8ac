/**
 * Architecture boundaries, enforced by lint (rule `boundaries/imports`, configured in eslint.config.mjs).
 * Data flows one way: core ← services ← routers / route handlers ← UI.
 *
 *  - core      `server/sprint/**` imports nothing from the rest of the app (it is also I/O-free: see the
 *              no-restricted-imports rule in eslint.config.mjs).
 *  - services  `server/**` (not server/api) never import routers / tRPC (`server/api/**`) nor the UI (`app/**`,
 *              `components/**`).
 *  - routers   tRPC routers (`server/api/routers/**`) never touch the database (`server/db/**`, Prisma, pg):
 *              they parse input, call one service function and map its ServiceError.
 *  - routes    route handlers (`app/api/**`, except the tRPC endpoint itself) do not import `server/api/**`: they
 *              call services and the membership gate (server/auth/route-access.ts).
 *  - UI        client code — `components/**`, `lib/**` and every `app/**` file that starts with "use client" —
 *              imports from `server/**` only the BROWSER-SAFE modules listed below (type-only imports are erased
 *              and always allowed), never `app/**` (server actions reach components as props), and no Node or
 *              database package. Server components under `app/` may call services.
 *  - browser-safe modules themselves import only browser-safe modules (so the list stays true).
 *
 * A module is added to BROWSER_SAFE only when it and everything it imports at runtime run in a browser
 * (no node:*, no database, no secrets). New browser-safe helpers go to `lib/`.
 */
import path from "node:path";

/** Modules the browser may load (extension-less, root-relative globs). */
export const BROWSER_SAFE = [
  "lib/**", // the home of browser-safe helpers (tRPC client, form state, endpoint URLs, …)
  "server/sprint/**", // the pure core
  "server/auth/roles", // role names and ranks
  "server/curation/import/reader", // streaming record splitter (import preview in the browser)
  "server/curation/import/presets", // field mappings (import preview)
  "server/curation/import/storable", // NUL / surrogate / depth checks the reader uses (pure)
  "server/inference/orchestrator/timeline", // pure replay of run events
  "server/inference/orchestrator/events",
];

/** Packages client code must not load. */
export const SERVER_ONLY_PACKAGES = ["node:*", "fs", "net", "child_process", "pg", "pg-boss", "@prisma/*", "prisma", "server-only", "bcryptjs", "next-auth", "@auth/*"];

/**
 * The zones. `files`/`except`: which files (root-relative, with extension) a zone applies to; `client: true` also
 * takes `app/**` files marked "use client". For an import resolved to `target` (root-relative, no extension):
 * `disallow` globs refuse it unless `allow` matches; `packages` refuses bare package names.
 */
export const ZONES = [
  {
    name: "core",
    files: ["server/sprint/**"],
    except: ["server/sprint/cli.ts", "server/sprint/cli-*.ts", "server/sprint/**/*.test.ts"],
    disallow: ["**"],
    allow: ["server/sprint/**"],
    message: "server/sprint is the pure core: it imports nothing from services, routers or the UI.",
  },
  {
    name: "services",
    files: ["server/**"],
    except: ["server/api/**"],
    disallow: ["server/api/**", "app/**", "components/**"],
    allow: [],
    message: "Services do not import routers or tRPC (server/api) nor the UI (app/, components/): routers call services, not the reverse.",
  },
  {
    name: "routers",
    files: ["server/api/routers/**"],
    disallow: ["server/db/**"],
    allow: [],
    packages: ["@prisma/*", "pg", "pg-boss"],
    message: "Routers are thin: no database access — call a service function (db, actor, input).",
  },
  {
    name: "route-handlers",
    files: ["app/api/**"],
    except: ["app/api/trpc/**"],
    disallow: ["server/api/**"],
    allow: [],
    message: "Route handlers call services and the membership gate (server/auth/route-access.ts), not tRPC (server/api).",
  },
  {
    name: "ui",
    files: ["components/**", "lib/**"],
    client: true,
    except: ["**/*.test.ts", "**/*.test.tsx"],
    disallow: ["server/**", "app/**"],
    allow: BROWSER_SAFE,
    packages: SERVER_ONLY_PACKAGES,
    message: "Client UI imports only browser-safe modules (BROWSER_SAFE in eslint/boundaries.mjs: lib/, the core server/sprint, …); server actions reach components as props.",
  },
  {
    name: "browser-safe",
    files: BROWSER_SAFE.filter((g) => g.startsWith("server/")).flatMap((g) => (g.endsWith("**") ? [g] : [`${g}.ts`, `${g}.tsx`])),
    except: ["**/*.test.ts", "server/sprint/cli.ts", "server/sprint/cli-*.ts"],
    disallow: ["server/**", "app/**", "components/**"],
    allow: BROWSER_SAFE,
    packages: SERVER_ONLY_PACKAGES.filter((p) => p !== "node:*"),
    message: "A browser-safe module imports only browser-safe modules (BROWSER_SAFE in eslint/boundaries.mjs).",
  },
];

/** Glob → RegExp: `**` any path, `*` one segment part; exact otherwise. */
function globToRegExp(glob) {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      re += ".*";
      i++;
      if (glob[i + 1] === "/") i++;
    } else if (c === "*") re += "[^/]*";
    else re += c.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}
const cache = new Map();
export function matches(globs, p) {
  return globs.some((g) => {
    let r = cache.get(g);
    if (!r) cache.set(g, (r = globToRegExp(g)));
    return r.test(p);
  });
}

function isClientModule(program) {
  const first = program.body[0];
  return Boolean(first && first.type === "ExpressionStatement" && first.directive === "use client");
}

/** Root-relative, extension-less target of an import, or { pkg } for a bare package name. */
function resolveTarget(root, file, spec) {
  let abs;
  if (spec.startsWith("@/")) abs = path.join(root, spec.slice(2));
  else if (spec.startsWith(".")) abs = path.resolve(path.dirname(file), spec);
  else return { pkg: spec };
  const rel = path.relative(root, abs).split(path.sep).join("/").replace(/\.(tsx?|mjs|js)$/, "");
  return { rel };
}

const rule = {
  meta: {
    type: "problem",
    docs: { description: "Architecture boundaries between the core, services, routers, route handlers and the UI" },
    schema: [{ type: "object", properties: { root: { type: "string" } }, additionalProperties: false }],
    messages: { boundary: "{{zone}}: '{{spec}}' is not allowed here. {{message}}" },
  },
  create(context) {
    const root = context.options[0]?.root ?? context.cwd;
    const file = context.filename;
    const relFile = path.relative(root, file).split(path.sep).join("/");
    let zones = null;
    const zonesFor = (program) => {
      if (zones) return zones;
      const client = relFile.startsWith("app/") && isClientModule(program);
      zones = ZONES.filter((z) => (matches(z.files, relFile) || (z.client && client)) && !matches(z.except ?? [], relFile));
      return zones;
    };
    let program = null;
    const check = (node, spec, typeOnly) => {
      if (typeOnly || typeof spec !== "string") return;
      const t = resolveTarget(root, file, spec);
      for (const z of zonesFor(program)) {
        const bad = t.pkg
          ? matches(z.packages ?? [], t.pkg) || (t.pkg.startsWith("node:") && matches(z.packages ?? [], "node:*"))
          : matches(z.disallow, t.rel) && !matches(z.allow, t.rel);
        if (bad) context.report({ node, messageId: "boundary", data: { zone: z.name, spec, message: z.message } });
      }
    };
    const allTypeSpecifiers = (n) => n.specifiers?.length > 0 && n.specifiers.every((s) => s.importKind === "type" || s.exportKind === "type");
    return {
      Program(node) {
        program = node;
      },
      ImportDeclaration(node) {
        check(node, node.source.value, node.importKind === "type" || allTypeSpecifiers(node));
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, node.source.value, node.exportKind === "type" || allTypeSpecifiers(node));
      },
      ExportAllDeclaration(node) {
        check(node, node.source.value, node.exportKind === "type");
      },
      ImportExpression(node) {
        if (node.source.type === "Literal") check(node, node.source.value, false);
      },
      CallExpression(node) {
        if (node.callee.type === "Identifier" && node.callee.name === "require" && node.arguments[0]?.type === "Literal") check(node, node.arguments[0].value, false);
      },
    };
  },
};

export default { meta: { name: "sprint-boundaries" }, rules: { imports: rule } };
