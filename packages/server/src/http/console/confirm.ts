/**
 * Confirmation of destructive actions, as a page: the action's button on the page it
 * belongs to is a link here, and only this page's form (with `confirm=yes` and the CSRF
 * token) performs it. Works without JavaScript; Cancel goes back.
 */
import type { FastifyReply } from 'fastify';
import { type Html, html } from '../pages/html.ts';
import { csrfField } from './fields.ts';
import { type Chrome, consoleLayout, sendConsolePage } from './layout.ts';

export interface Confirmation {
  chrome: Chrome;
  title: string;
  /** What will happen, in words. */
  consequences: Html | string;
  /** Where the confirming form posts. */
  action: string;
  /** The confirm button's text (a verb: "Delete app"). */
  confirmLabel: string;
  cancelHref: string;
  /** Shown above the consequences, for context (the app's or user's name). */
  crumbs?: Html;
}

export function confirmPage(c: Confirmation): Html {
  return consoleLayout(
    c.title,
    html`${c.crumbs ?? ''}
<div class="narrow">
<h1>${c.title}</h1>
<div class="panel confirm">
<p>${c.consequences}</p>
<form method="post" action="${c.action}">
  ${csrfField(c.chrome.csrf)}
  <input type="hidden" name="confirm" value="yes">
  <div class="actions">
    <a class="button" href="${c.cancelHref}">Cancel</a>
    <button type="submit" class="danger-solid">${c.confirmLabel}</button>
  </div>
</form>
</div>
</div>`,
    c.chrome,
  );
}

export function sendConfirm(reply: FastifyReply, c: Confirmation): FastifyReply {
  return sendConsolePage(reply, confirmPage(c));
}
