// Jest runs the TypeScript sources as native ES modules, compiled by SWC (fast on a 2-core machine;
// type errors are caught by `npm run typecheck`, which CI runs first).
export default {
  testEnvironment: 'node',
  // On a 2-core machine running two test files at once, opening a new embedded database in a
  // hook can take longer than Jest's default 5 s; tests that need longer say so themselves.
  testTimeout: 30_000,
  // Two files at a time. Jest's own default is one fewer worker than cores, which on a 2-core
  // machine is one: the whole suite ran file after file, though much of it waits on child
  // processes (the app, the Playground, Chromium), timers and the database, time the second
  // worker now fills.
  maxWorkers: 2,
  testSequencer: '<rootDir>/test/support/heavy-first-sequencer.js',
  reporters: ['default', '<rootDir>/test/support/skipped-reporter.js'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // jose is ESM only and jwks-rsa (the Agents SDK's token check) require()s it: plain Node 20
  // loads that, Jest's module system does not, so Jest compiles jose to CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  transform: {
    '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
      },
    ],
  },
};
