/**
 * REST API versions, as `GET /services/data` lists them. Salesforce numbers a
 * release every four months (v20.0 was Winter '11) and answers every version
 * from 31.0 to the current one; jsforce defaults to 50.0 and `sf` queries with
 * v51.0 (../shared/reference/clients.md §1.2, §5), so the whole range is served.
 */

/** The newest version we answer, and the one the demo and docs use. */
export const API_VERSION = '62.0';
/** The oldest version Salesforce still answers (21.0–30.0 were retired in 2025). */
export const MIN_API_VERSION = '31.0';

export interface ApiVersion {
  label: string;
  url: string;
  version: string;
}

const SEASONS = ['Winter', 'Spring', 'Summer'] as const;

/** The release name of a major version: 20 → "Winter '11", 62 → "Winter '25". */
export function releaseLabel(major: number): string {
  const n = major - 20;
  const year = 11 + Math.floor(n / 3);
  return `${SEASONS[((n % 3) + 3) % 3]} '${String(year).padStart(2, '0')}`;
}

function major(version: string): number {
  return Number(version.split('.')[0]);
}

/** Every supported version, oldest first (Salesforce's order). */
export const API_VERSIONS: readonly ApiVersion[] = (() => {
  const out: ApiVersion[] = [];
  for (let m = major(MIN_API_VERSION); m <= major(API_VERSION); m++) {
    const version = `${m}.0`;
    out.push({ label: releaseLabel(m), url: `/services/data/v${version}`, version });
  }
  return out;
})();

const SUPPORTED = new Set(API_VERSIONS.map((v) => v.version));

export function isSupportedVersion(version: string): boolean {
  return SUPPORTED.has(version);
}

/** The version named by a path segment such as `v62.0`, or undefined when it is not one we answer. */
export function versionFromSegment(segment: string): string | undefined {
  const m = /^v(\d{2}\.0)$/.exec(segment);
  return m && isSupportedVersion(m[1]!) ? m[1] : undefined;
}
