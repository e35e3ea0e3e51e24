#!/usr/bin/env node
// The `provlrp` command: runs the compiled CLI in dist/ (built by the package's `prepare` script).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
