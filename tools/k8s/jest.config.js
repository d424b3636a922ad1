const { projectJestConfig, swcOptions } = require('../../jest.preset.js');

const base = projectJestConfig(__dirname, 'unit');

/**
 * The kubernetes-models packages (and is-cidr, which their validators use) are ES modules:
 * jest.resolver.js takes their "import" exports, and swc turns them into CommonJS like our own code. Rendering
 * every overlay with kubectl and type-checking every object take seconds, not the unit tier's 5.
 */
module.exports = {
  ...base,
  transform: {
    ...base.transform,
    '^.+\\.js$': ['@swc/jest', { ...swcOptions, jsc: { ...swcOptions.jsc, parser: { syntax: 'ecmascript' } } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(kubernetes-models|@kubernetes-models|is-cidr|cidr-regex)/)'],
  resolver: require.resolve('./jest.resolver.js'),
  testTimeout: 60_000,
};
