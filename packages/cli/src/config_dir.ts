/**
 * Where `s2s login` keeps saved credentials: `$S2S_CONFIG_DIR`, else
 * `$XDG_CONFIG_HOME/s2s` (default `~/.config/s2s`; `%APPDATA%\s2s` on Windows).
 *
 *   <dir>/config.json               the default alias
 *   <dir>/credentials/<alias>.json  a named credential (secrets included)
 *   <dir>/tokens/<alias>.json       its tokens: the shared file token store, with OS locks
 *
 * Directories are 0700 and files 0600; every file is written to a temporary
 * file and renamed over, so a crash never leaves half a file.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  type CredentialConfig,
  type FileTokenStore,
  fileTokenStore,
  type TokenState,
  validateCredential,
} from '@s2s-oauth/client';

export const ALIAS = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.S2S_CONFIG_DIR) return env.S2S_CONFIG_DIR;
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 's2s');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 's2s');
}

interface SavedFile {
  format: 1;
  savedAt: string;
  credential: CredentialConfig;
}

export class ConfigDir {
  readonly dir: string;

  constructor(dir: string = configDir()) {
    this.dir = dir;
  }

  private ensure(sub?: string): string {
    const d = sub === undefined ? this.dir : join(this.dir, sub);
    mkdirSync(d, { recursive: true, mode: 0o700 });
    chmodSync(d, 0o700);
    return d;
  }

  private writeFile(path: string, text: string): void {
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, path);
  }

  private credentialPath(alias: string): string {
    if (!ALIAS.test(alias)) {
      throw new Error(
        `alias ${JSON.stringify(alias)} must be 1-128 letters, digits or ._@- (starting with a letter or digit)`,
      );
    }
    return join(this.dir, 'credentials', `${alias}.json`);
  }

  /** The shared token store (file locks, atomic writes). */
  tokenStore(): FileTokenStore {
    this.ensure();
    return fileTokenStore({ dir: this.ensure('tokens') });
  }

  /**
   * Replaces an alias's tokens with those of a login that just succeeded (made
   * in memory, so a failed login leaves the earlier tokens as they were).
   */
  async adoptTokens(alias: string, state: TokenState | undefined): Promise<void> {
    const store = this.tokenStore();
    try {
      if (state === undefined) await store.remove(alias);
      else await store.update(alias, async () => ({ save: state, result: undefined }));
    } finally {
      await store.close();
    }
  }

  aliases(): string[] {
    let names: string[];
    try {
      names = readdirSync(join(this.dir, 'credentials'));
    } catch {
      return [];
    }
    return names
      .filter((n) => n.endsWith('.json'))
      .map((n) => n.slice(0, -5))
      .sort();
  }

  has(alias: string): boolean {
    return this.aliases().includes(alias);
  }

  read(alias: string): CredentialConfig {
    let text: string;
    try {
      text = readFileSync(this.credentialPath(alias), 'utf8');
    } catch {
      const known = this.aliases();
      throw new Error(
        `no saved credential ${JSON.stringify(alias)}` +
          (known.length ? ` (saved: ${known.join(', ')})` : '; log in first with `s2s login`'),
      );
    }
    const doc = JSON.parse(text) as SavedFile;
    return validateCredential(doc.credential);
  }

  save(alias: string, credential: CredentialConfig): void {
    const path = this.credentialPath(alias);
    this.ensure();
    this.ensure('credentials');
    const doc: SavedFile = { format: 1, savedAt: new Date().toISOString(), credential };
    this.writeFile(path, `${JSON.stringify(doc, null, 2)}\n`);
  }

  remove(alias: string): void {
    rmSync(this.credentialPath(alias));
    if (this.defaultAlias() === alias) this.setDefault(undefined);
  }

  defaultAlias(): string | undefined {
    try {
      const c = JSON.parse(readFileSync(join(this.dir, 'config.json'), 'utf8')) as { defaultAlias?: string };
      return c.defaultAlias;
    } catch {
      return undefined;
    }
  }

  setDefault(alias: string | undefined): void {
    this.ensure();
    this.writeFile(
      join(this.dir, 'config.json'),
      `${JSON.stringify(alias ? { defaultAlias: alias } : {}, null, 2)}\n`,
    );
  }

  /** `--alias`, else the default, else the only one saved. */
  resolveAlias(alias: string | undefined): string {
    if (alias !== undefined) return alias;
    const d = this.defaultAlias();
    if (d !== undefined) return d;
    const all = this.aliases();
    if (all.length === 1) return all[0]!;
    throw new Error(
      all.length === 0
        ? 'no saved credentials; log in first with `s2s login`'
        : `several saved credentials (${all.join(', ')}) and no default: pass --alias`,
    );
  }
}
