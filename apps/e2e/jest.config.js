const path = require('node:path');
const { projectJestConfig } = require('../../jest.preset.js');

// The whole suite is started once, as real processes, before the first spec and stopped after the last.
module.exports = {
  ...projectJestConfig(__dirname, 'e2e'),
  globalSetup: path.join(__dirname, 'src/support/global-setup.ts'),
  globalTeardown: path.join(__dirname, 'src/support/global-teardown.ts'),
};
