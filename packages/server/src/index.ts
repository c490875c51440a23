export {
  ConfigError,
  configFromEnv,
  DEFAULTS,
  type ServerConfig,
  splitList,
  validateConfig,
} from './config/index.ts';
export { generateSelfSigned, parseCertificatePem } from './keys/x509.ts';
export { type RunningServer, startServer } from './server.ts';
export type { Store } from './store/interfaces.ts';
export { openStore } from './store/open.ts';
