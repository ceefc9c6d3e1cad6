// Loaded by mocha before any test file (see .mocharc.json).
//
// A rejected promise that nobody awaited would otherwise leave a test green (or hanging) while
// resources silently went unregistered; make it fail the run instead.
process.on("unhandledRejection", (reason) => {
  throw reason instanceof Error ? reason : new Error(`unhandled rejection: ${String(reason)}`);
});
