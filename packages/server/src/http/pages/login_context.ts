/**
 * What the sign-in page needs to know about where it continues: the application's name,
 * and the client's redirect origin for CSP `form-action` — after sign-in the browser may be
 * redirected straight on to the client (an earlier approval, or a pre-authorized user).
 */
import type { ServerContext } from '../../context.ts';
import { redirectSource } from '../../oauth/authorization/redirect_uri.ts';
import { validateAuthorizationRequest } from '../../oauth/authorization/request.ts';
import { PATHS } from './paths.ts';

export interface LoginContext {
  appName?: string;
  formActions: string[];
}

export async function loginContext(ctx: ServerContext, continueTo: string): Promise<LoginContext> {
  if (!continueTo.startsWith(`${PATHS.authorize}?`)) return { formActions: [] };
  try {
    const req = await validateAuthorizationRequest(ctx.store, continueTo.slice(PATHS.authorize.length + 1));
    const source = redirectSource(req.redirectUri);
    return { appName: req.app.name, formActions: source ? [source] : [] };
  } catch {
    // A request that no longer validates fails again, with its proper answer, after sign-in.
    return { formActions: [] };
  }
}
