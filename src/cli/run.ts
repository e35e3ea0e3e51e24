/**
 * Runs the `provlrp` command on the process's arguments: what `bin/provlrp.js` runs from `dist/`,
 * and what `node --import tsx src/cli/run.ts …` runs from the sources.
 */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
