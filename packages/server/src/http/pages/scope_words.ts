/**
 * Scopes in words for the consent and approvals pages. Salesforce scopes get a phrase;
 * `refresh_token` and `offline_access` are one permission under two names; an app's own
 * scope is shown by name.
 */

const PHRASES: Record<string, string> = {
  full: 'Access everything you can access',
  api: 'Access and manage your data through the API',
  web: 'Access and manage your data in a web browser',
  refresh_token: 'Keep access when you are not signed in (perform requests at any time)',
  offline_access: 'Keep access when you are not signed in (perform requests at any time)',
  openid: 'Know who you are (your unique user identifier)',
  id: 'See your identity: username, name and organization',
  profile: 'See your name and profile details',
  email: 'See your email address',
  address: 'See your address',
  phone: 'See your phone number',
  custom_permissions: 'See the custom permissions you have',
  chatter_api: 'Use Chatter (Connect REST API) as you',
  visualforce: 'Use Visualforce pages as you',
  lightning: 'Use Lightning applications as you',
  content: 'Access your content and files',
  wave_api: 'Use Analytics (CRM Analytics REST API)',
  eclair_api: 'Use Analytics charts and geodata',
  pardot_api: 'Use Marketing Cloud Account Engagement (Pardot) services',
  cdp_query_api: 'Run SQL queries on Data Cloud data',
};

export interface ScopeLine {
  phrase: string;
  /** The scope names this line stands for, as sent on the wire. */
  names: string[];
}

/** One line per permission, in the order requested; scopes with the same phrase share a line. */
export function scopeLines(scopes: readonly string[]): ScopeLine[] {
  const lines: ScopeLine[] = [];
  for (const s of scopes) {
    const phrase = PHRASES[s] ?? `Use the “${s}” permission of this application`;
    const same = lines.find((l) => l.phrase === phrase);
    if (same) same.names.push(s);
    else lines.push({ phrase, names: [s] });
  }
  return lines;
}
