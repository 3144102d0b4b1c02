#!/usr/bin/env node
/**
 * The `synkti-bench` command's entry (`npm run bench`; `synkti bench` runs the same main). The
 * command itself is cli.ts, which has no side effect on import.
 */

import { hideBin } from 'yargs/helpers';
import { main } from './cli.js';

process.exitCode = await main(hideBin(process.argv));
