// Jest runs the TypeScript sources as native ES modules, compiled by SWC (fast on a 2-core machine;
// type errors are caught by `npm run typecheck`, which CI runs first).
export default {
  testEnvironment: 'node',
  reporters: ['default', '<rootDir>/test/support/skipped-reporter.js'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
      },
    ],
  },
};
