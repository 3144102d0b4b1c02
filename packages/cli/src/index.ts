/**
 * @synkti/cli — the `synkti` command (live mode).
 * @packageDocumentation
 */

export { CLOUD_FILE, cloudAt, startCloudCommand } from './cloud.js';
export { differences, type LiveOptions, planLive, runLiveCommand, summaryTable } from './live.js';
export { main } from './main.js';
