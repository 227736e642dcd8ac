import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import boundaries from "./eslint/boundaries.mjs";

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      ".next/**",
      ".data/**",
      "server/db/generated/**",
      "next-env.d.ts",
      "test-results/**",
      "playwright-report/**",
      ".tmp*/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "no-console": "off",
    },
  },
  {
    // Architecture boundaries (core ← services ← routers / route handlers ← UI): eslint/boundaries.mjs.
    files: ["**/*.{ts,tsx}"],
    plugins: { boundaries },
    rules: { "boundaries/imports": ["error", { root: import.meta.dirname }] },
  },
  {
    // The pure core must stay free of I/O and frameworks.
    files: ["server/sprint/**/*.ts"],
    ignores: ["server/sprint/cli.ts", "server/sprint/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["node:fs", "fs", "node:net", "node:http", "node:child_process", "next", "next/*", "react", "@prisma/*", "pg"], message: "server/sprint is a pure core: no I/O or framework imports." },
          ],
        },
      ],
    },
  },
);
