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
    // The JSON report is what .ci/run counts for its final "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: `${root}test-results/vitest.json` }]],
    projects: packages.map((name) => ({
      resolve: { alias },
      test: {
        name,
        root: `${root}packages/${name}`,
        include: ['test/**/*.test.ts'],
        setupFiles: [`${root}packages/core/src/setup-reflect.ts`],
        // Type tests (*.test-d.ts) only where a package has them; the whole tree is typechecked by `pnpm typecheck`.
        typecheck: existsSync(`${root}packages/${name}/tsconfig.typetest.json`)
          ? {
              enabled: true,
              include: ['test/**/*.test-d.ts'],
              tsconfig: `${root}packages/${name}/tsconfig.typetest.json`,
            }
          : { enabled: false },
        testTimeout: 20_000,
      },
    })),
  },
});
