// Stack traces through the workspace packages' built dist (which Node loads without vitest's
// transform) name the TypeScript sources, as their source maps say.
process.setSourceMapsEnabled(true);
