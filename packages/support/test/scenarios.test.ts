import { describe, it } from 'vitest';
import { SCENARIO_FILES } from './scenarios/index.js';
import { runScenario } from './scenarios/run.js';

/** Scripted conversations, end to end through the web chat channel against panel-sim (see scenarios/types.ts). */
for (const [theme, scenarios] of Object.entries(SCENARIO_FILES)) {
  describe(theme, () => {
    it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
      await runScenario(scenario);
    });
  });
}
