#!/usr/bin/env node
// The `provlrp` command: runs the compiled CLI in dist/ (built by the package's `prepare` script).
import '../dist/cli/run.js';
