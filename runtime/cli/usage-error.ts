// The class lives in shared/ so lower layers (replay's file discovery) can throw it too.
export { UsageError } from '../shared/usage-error.ts';
