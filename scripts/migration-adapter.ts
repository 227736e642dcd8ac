/**
 * Driver-adapter factory for the Prisma 6.19 CLI's WASM schema engine (migrations without the native
 * engine, which cannot be downloaded here). Wraps @prisma/adapter-pg 7.10 and fixes, each seen on these
 * machines (ARCHITECTURE.md, "Migrations offline"):
 *  - shadow pools built from separate host/port/... fields (a connectionString would win over `database`
 *    and make the shadow database the main one), and the shadow pool closed before DROP DATABASE;
 *  - the embedded PGlite has one database: its shadow is a throw-away in-memory PGlite on port 0;
 *  - the adapter cannot deserialize Postgres `name`/`"char"` columns (OIDs 19, 18; arrays 1003, 1002),
 *    which the schema describer reads: such columns are reported as text / text[];
 *  - PostgreSQL 18 keeps NOT NULL constraints in pg_constraint, which panics the 6.19 describer:
 *    its `contype NOT IN ('p', 'u', 'f')` filter is narrowed to `contype IN ('c', 'x')`.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { poolConfigFromUrl } from "../server/db/pg-config";
import { startEmbeddedPostgres } from "../server/db/embedded";

type Adapter = Awaited<ReturnType<PrismaPg["connect"]>>;
type Query = { sql: string };

const DESCRIBER_FILTER = /contype\s+NOT\s+IN\s*\(\s*'p'\s*,\s*'u'\s*,\s*'f'\s*\)/gi;

/** Rewrites the one describer query that panics on PostgreSQL 18; leaves everything else alone. */
export function rewriteSql(sql: string): string {
  return sql.replace(DESCRIBER_FILTER, "contype IN ('c', 'x')");
}

const AS_TEXT = new Set([18, 19]);
const AS_TEXT_ARRAY = new Set([1002, 1003]);
// text[] parser (OID 1009), typed loosely: pg's TypeId union does not list array OIDs.
const parseTextArray = pg.types.getTypeParser(1009 as never) as (v: string) => unknown;

interface PgField {
  dataTypeID: number;
}
interface PgResult {
  fields?: PgField[];
  rows?: unknown[];
}

function fixResult(r: PgResult): PgResult {
  r.fields?.forEach((f, i) => {
    if (AS_TEXT.has(f.dataTypeID)) f.dataTypeID = 25;
    else if (AS_TEXT_ARRAY.has(f.dataTypeID)) {
      f.dataTypeID = 1009;
      for (const row of r.rows ?? []) {
        const rec = row as Record<string | number, unknown>;
        const key = Array.isArray(row) ? i : (r.fields?.[i] as unknown as { name: string }).name;
        if (typeof rec[key] === "string") rec[key] = parseTextArray(rec[key] as string);
      }
    }
  });
  return r;
}

function fixAny(r: PgResult | PgResult[]): PgResult | PgResult[] {
  return Array.isArray(r) ? r.map(fixResult) : fixResult(r);
}

/** A pool whose clients report `name`/`"char"` columns as text (see above). */
function fixingPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...a: unknown[]) => unknown;
    (client as unknown as { query: (...a: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const last = args[args.length - 1];
      if (typeof last === "function") {
        // Callback style (what pg.Pool#query uses internally).
        const cb = last as (err: unknown, r?: unknown) => void;
        args[args.length - 1] = (err: unknown, r?: PgResult | PgResult[]) => cb(err, r && !err ? fixAny(r) : r);
        return query(...args);
      }
      const out = query(...args);
      return out instanceof Promise ? out.then((r: PgResult | PgResult[]) => fixAny(r)) : out;
    };
  });
  return pool;
}

async function connectPg(config: pg.PoolConfig): Promise<Adapter> {
  return new PrismaPg(fixingPool(config), { disposeExternalPool: true }).connect();
}

function patchAdapter(adapter: Adapter, onDispose?: () => Promise<void>): Adapter {
  return new Proxy(adapter, {
    get(target, prop, receiver) {
      if (prop === "queryRaw" || prop === "executeRaw") {
        return (q: Query) => {
          const fn = Reflect.get(target, prop, receiver) as (q: Query) => Promise<unknown>;
          return fn.call(target, { ...q, sql: rewriteSql(q.sql) });
        };
      }
      if (prop === "dispose" && onDispose) {
        return async () => {
          await target.dispose();
          await onDispose();
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

export class MigrationAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName = "@prisma/adapter-pg";

  constructor(
    private readonly url: string,
    private readonly embedded: boolean,
  ) {}

  async connect(): Promise<Adapter> {
    return patchAdapter(await connectPg(poolConfigFromUrl(this.url)));
  }

  async connectToShadowDb(): Promise<Adapter> {
    if (this.embedded) {
      const shadow = await startEmbeddedPostgres({ dataDir: null, port: 0, maxConnections: 8 });
      const adapter = await connectPg(poolConfigFromUrl(shadow.url));
      return patchAdapter(adapter, () => shadow.stop());
    }
    const database = `prisma_shadow_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client(poolConfigFromUrl(this.url));
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    const adapter = await connectPg(poolConfigFromUrl(this.url, database));
    return patchAdapter(adapter, async () => {
      // The shadow pool is closed by dispose() above, before the drop.
      const c = new pg.Client(poolConfigFromUrl(this.url));
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${database}"`);
      } finally {
        await c.end();
      }
    });
  }
}
