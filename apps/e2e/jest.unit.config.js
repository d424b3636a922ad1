// Unit specs of the e2e project's own helpers (benchmark figures and charts); the suite-wide
// specs run under jest.config.js, which starts the whole suite first.
const { projectJestConfig } = require('../../jest.preset.js');
module.exports = projectJestConfig(__dirname, 'unit');
