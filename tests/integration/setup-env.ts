// Runs in each integration test worker: point the app's database helpers at the test database.
import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.SPRINT_DB_MODE = inject("dbMode");
process.env.SPRINT_ENCRYPTION_KEY ??= "0".repeat(64);
process.env.AUTH_SECRET ??= "integration-test-secret-integration-test-secret";
