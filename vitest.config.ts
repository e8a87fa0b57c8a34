import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const packages = readdirSync(`${root}packages`).filter((p) => existsSync(`${root}packages/${p}/test`));

// Tests import sibling packages from source, so `pnpm test` needs no build first.
const alias = [
  { find: /^@smmbot\/([^/]+)\/testing$/, replacement: `${root}packages/$1/src/testing/index.ts` },
  { find: /^@smmbot\/([^/]+)$/, replacement: `${root}packages/$1/src/index.ts` },
];

export default defineConfig({
  test: {
    projects: packages.map((name) => ({
      resolve: { alias },
      test: {
        name,
        root: `${root}packages/${name}`,
        include: ['test/**/*.test.ts'],
        setupFiles: [`${root}packages/core/src/setup-reflect.ts`],
        typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: `${root}tsconfig.tests.json` },
        testTimeout: 20_000,
      },
    })),
  },
});
