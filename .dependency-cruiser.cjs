/**
 * Import cycles fail the build (`npm run lint:cycles`, part of `npm test`): docs/architecture.md#layers
 * says nothing points back up and there are no circles. dependency-cruiser reads .vue files too
 * (through @vue/compiler-sfc), so a component importing a module that imports it back is caught.
 * Type-only imports count: a cycle of types is still two files that cannot be understood apart.
 * The layer rules themselves are ESLint's (eslint.config.js).
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycle: move what both sides need one layer down, or pass it in.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.app.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.vue', '.js', '.json'] },
  },
}
