// The kubernetes-models packages export ES modules under the "import" condition only: resolve
// them, and the ES modules their validators import, with it; every other package as Jest does.
const esmOnly = /^(kubernetes-models|@kubernetes-models\/|is-cidr$|cidr-regex$)/;

module.exports = (request, options) =>
  options.defaultResolver(request, esmOnly.test(request) ? { ...options, conditions: [...(options.conditions ?? []), 'import'] } : options);
