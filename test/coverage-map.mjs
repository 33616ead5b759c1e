// tap's coverage map: which files a test file's run counts toward coverage.
// The command-line tests run src/server.ts through tsx in child processes, whose coverage is wrong (tsx puts
// whole statements on one line, so every line counts as run); they are left out so the figures stay honest.
// quick-start.test.ts starts the README's quick start the same way, so it is left out too. (They are end-to-end
// files, which `npm run test:e2e` runs without coverage; this keeps them out when one is run with it.)
export default function coverageMap (testFile) {
  return /(^|\/)test\/e2e\/(cli|server|quick-start)\.test\.ts$/.test(testFile) ? null : []
}
