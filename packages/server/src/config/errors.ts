/** A setting that cannot be used: the message names it (flag, variable or config-file key). */
export class ConfigError extends Error {}
