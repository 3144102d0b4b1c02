import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The Can't Be Late authors' reference runs for tests: `SYNKTI_CBL_REFERENCE` if set, else
 * `../shared/data/cbl-reference/peer-runs-2023.csv` beside the repository. Third-party results:
 * the project commits no copy. Missing in CI is a failure, elsewhere a skip with a warning.
 */
export const CBL_REFERENCE =
  process.env['SYNKTI_CBL_REFERENCE'] ??
  path.resolve(
    fileURLToPath(new URL('.', import.meta.url)),
    '../../shared/data/cbl-reference/peer-runs-2023.csv',
  );

/** Whether the reference file is present (in CI it must be). */
export const HAVE_CBL_REFERENCE = existsSync(CBL_REFERENCE);
if (!HAVE_CBL_REFERENCE) {
  const message = `Can't Be Late reference runs not found at ${CBL_REFERENCE}: set SYNKTI_CBL_REFERENCE`;
  if (process.env['CI']) throw new Error(message);
  console.warn(`skipping the Can't Be Late agreement tests: ${message}`);
}

/** The reference file's text. */
export const readCblReference = (): string => readFileSync(CBL_REFERENCE, 'utf8');
