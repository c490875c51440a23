/**
 * Debian's Chromium driven by playwright-core, as every browser test here uses it.
 * The flags keep it off the network (this machine has none beyond loopback).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
/** Screenshots go here (git-ignored). */
export const SHOTS = fileURLToPath(new URL('../../../test-output/screenshots/', import.meta.url));
/** A reason to skip when Chromium is missing (scripts/test-all.sh installs it). */
export const NO_CHROMIUM: string | false = !existsSync(CHROMIUM) && `${CHROMIUM} is not installed`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
