const path = require('node:path');
const Module = require('node:module');
const { projectJestConfig } = require('../../jest.preset.js');

// Jest maps @parchee/* (moduleNameMapper) in test files only, not in globalSetup and
// globalTeardown, which start and stop the suite through @parchee/suite: resolve the aliases there
// the same way, by the one rule the preset uses.
const root = path.join(__dirname, '../..');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const alias = /^@parchee\/([a-z-]+)(\/testing)?$/.exec(request);
  return resolveFilename.call(this, alias ? path.join(root, 'libs', alias[1], 'src', alias[2] ? 'testing/index.ts' : 'index.ts') : request, ...rest);
};

// The whole suite is started once, as real processes, before the first spec and stopped after the last.
module.exports = {
  ...projectJestConfig(__dirname, 'e2e'),
  globalSetup: path.join(__dirname, 'src/support/global-setup.ts'),
  globalTeardown: path.join(__dirname, 'src/support/global-teardown.ts'),
};
