/**
 * The boundary lint rules (eslint/boundaries.mjs, wired in eslint.config.mjs) refuse what they should and accept
 * what they should: the project's real ESLint config run on fixture sources through ESLint's Node API.
 */
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const eslint = new ESLint({ cwd: ROOT });

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === "boundaries/imports" || m.ruleId === "no-restricted-imports").map((m) => m.message);
}

// Loading the config and the TypeScript parser takes seconds on a busy machine: a generous timeout, not a timed assertion.
describe("boundary lint", { timeout: 60_000 }, () => {
  it("the core imports nothing from services (nor I/O)", async () => {
    // (The core is also browser-safe, so the browser-safe zone refuses these too.)
    expect(await boundaryErrors("server/sprint/fixture.ts", 'import { prisma } from "../db/client";\nexport const x = prisma;\n')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^core: '\.\.\/db\/client' is not allowed here/)]),
    );
    expect(await boundaryErrors("server/sprint/fixture.ts", 'import { backendFor } from "@/server/curation/backends";\nexport const x = backendFor;\n')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^core:/)]),
    );
    expect(await boundaryErrors("server/sprint/fixture.ts", 'import fs from "node:fs";\nexport const x = fs;\n')).toEqual([expect.stringMatching(/pure core/)]);
    expect(await boundaryErrors("server/sprint/countdown/fixture.ts", 'import { parseTrajectory } from "../format";\nexport const x = parseTrajectory;\n')).toEqual([]);
  });

  it("services import neither routers / tRPC nor the UI", async () => {
    expect(await boundaryErrors("server/curation/fixture.ts", 'import { serviceCall } from "../api/trpc";\nexport const x = serviceCall;\n')).toEqual([
      expect.stringMatching(/^services: .*routers call services/),
    ]);
    expect(await boundaryErrors("server/review/fixture.ts", 'import { TaskProgress } from "@/components/task-progress";\nexport const x = TaskProgress;\n')).toHaveLength(1);
    expect(await boundaryErrors("server/curation/fixture.ts", 'import { datasetIn } from "./datasets";\nexport const x = datasetIn;\n')).toEqual([]);
  });

  it("routers never touch the database", async () => {
    expect(await boundaryErrors("server/api/routers/fixture.ts", 'import { prisma } from "../../db/client";\nexport const x = prisma;\n')).toEqual([expect.stringMatching(/^routers: .*thin/)]);
    expect(await boundaryErrors("server/api/routers/fixture.ts", 'import { Prisma } from "@prisma/client";\nexport const x = Prisma;\n')).toHaveLength(1);
    expect(await boundaryErrors("server/api/routers/fixture.ts", 'import { listDatasets } from "../../curation/datasets";\nexport const x = listDatasets;\n')).toEqual([]);
  });

  it("route handlers do not import tRPC", async () => {
    expect(await boundaryErrors("app/api/things/route.ts", 'import { actorOf } from "@/server/api/trpc";\nexport const GET = actorOf;\n')).toEqual([expect.stringMatching(/^route-handlers:/)]);
    expect(await boundaryErrors("app/api/things/route.ts", 'import { routeAccess } from "@/server/auth/route-access";\nexport const GET = routeAccess;\n')).toEqual([]);
  });

  it("client UI imports only browser-safe modules; server components may call services", async () => {
    const client = (imp: string) => `"use client";\n${imp}\nexport const x = 1;\n`;
    expect(await boundaryErrors("components/fixture.tsx", client('import { listDatasets } from "@/server/curation/datasets";'))).toEqual([expect.stringMatching(/^ui: .*browser-safe/)]);
    expect(await boundaryErrors("components/fixture.tsx", client('import { signOutAction } from "@/app/(auth)/actions";'))).toHaveLength(1);
    expect(await boundaryErrors("components/fixture.tsx", client('import { prisma } from "@/server/db/client";'))).toHaveLength(1);
    expect(await boundaryErrors("components/fixture.tsx", client('import pg from "pg";'))).toHaveLength(1);
    expect(await boundaryErrors("app/w/[slug]/fixture/view.tsx", client('import { getTrace } from "@/server/curation/traces";'))).toHaveLength(1);
    // Allowed: the core, the browser-safe list, lib/, and type-only imports from anywhere.
    expect(await boundaryErrors("components/fixture.tsx", client('import { parseTrajectory } from "@/server/sprint/format";'))).toEqual([]);
    expect(await boundaryErrors("components/fixture.tsx", client('import { hasRole } from "@/server/auth/roles";'))).toEqual([]);
    expect(await boundaryErrors("components/fixture.tsx", client('import { sameOrigin } from "@/lib/endpoint-url";'))).toEqual([]);
    expect(await boundaryErrors("components/fixture.tsx", client('import type { StoredMetrics } from "@/server/curation/curate-trace";'))).toEqual([]);
    // A server component (no "use client") under app/ may call a service.
    expect(await boundaryErrors("app/w/[slug]/fixture/page.tsx", 'import { getTrace } from "@/server/curation/traces";\nexport const x = getTrace;\n')).toEqual([]);
  });

  it("a browser-safe module stays browser-safe", async () => {
    expect(await boundaryErrors("server/curation/import/presets.ts", 'import { prisma } from "../../db/client";\nexport const x = prisma;\n')).toEqual([expect.stringMatching(/^browser-safe:/)]);
  });
});
