export { bannerOutput, followPrimary, serveWorkersIfAsked } from './cluster.ts';
export {
  ConfigError,
  configFromEnv,
  DEFAULTS,
  type FlagValues,
  resolveConfig,
  type ServerConfig,
  splitList,
  validateConfig,
} from './config/index.ts';
export { SETTINGS, type Setting } from './config/settings.ts';
export { KeyEncryptionError } from './keys/encryption.ts';
export { generateSelfSigned, parseCertificatePem } from './keys/x509.ts';
export { type RunningServer, startServer } from './server.ts';
export type { Store } from './store/interfaces.ts';
export { openStore, PendingMigrationsError } from './store/open.ts';
