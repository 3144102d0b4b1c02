// Worker entry when running from TypeScript sources (npm run bench via tsx): Node's workers do
// not inherit tsx's loader, so register it here, then load the real worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
