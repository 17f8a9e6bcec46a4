import { defineConfig } from 'vitest/config';
import projects from './vitest.workspace';

export default defineConfig({
  test: {
    projects,
    // The JSON report is what `.ci/run` reads to print the real pass/fail counts.
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
    passWithNoTests: false,
  },
});
