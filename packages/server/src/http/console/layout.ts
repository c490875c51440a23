/**
 * The console's page shell: the authorization pages' stylesheet (colours, inputs, buttons,
 * notices) plus the console's own (wide layout, tables, chart), a navigation bar, the
 * signed-in admin with Sign out (a CSRF-protected POST), and one small deferred script for
 * niceties (copy buttons). Every page works without it.
 */
import type { FastifyReply } from 'fastify';
import { type Html, html } from '../pages/html.ts';
import { PATHS } from '../pages/paths.ts';
import { sendPage } from '../pages/respond.ts';
import { CONSOLE_PATHS } from './paths.ts';

export type Section = 'apps' | 'users' | 'activity';

/** What a signed-in page shows around its content. */
export interface Chrome {
  admin: string;
  csrf: string;
  section?: Section;
}

const SECTIONS: { id: Section; label: string; href: string }[] = [
  { id: 'apps', label: 'Apps', href: CONSOLE_PATHS.apps },
  { id: 'users', label: 'Users', href: CONSOLE_PATHS.users },
  { id: 'activity', label: 'Activity', href: CONSOLE_PATHS.activity },
];

function topBar(c: Chrome | undefined): Html {
  const nav = c
    ? html`<nav aria-label="Console">
  <ul>${SECTIONS.map(
    (s) =>
      html`<li><a href="${s.href}"${s.id === c.section ? html` aria-current="page"` : ''}>${s.label}</a></li>`,
  )}</ul>
</nav>
<div class="who">
  <span>Signed in as <strong>${c.admin}</strong></span>
  <form method="post" action="${CONSOLE_PATHS.logout}">
    <input type="hidden" name="csrf" value="${c.csrf}">
    <button type="submit" class="link">Sign out</button>
  </form>
</div>`
    : '';
  return html`<header class="topbar">
<div class="topbar-inner">
<a class="logo" href="${CONSOLE_PATHS.home}"><strong>s2s-oauth</strong> console</a>
${nav}
</div>
</header>`;
}

export function consoleLayout(
  title: string,
  body: Html,
  chrome?: Chrome,
  opts: { script?: boolean } = {},
): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · s2s-oauth console</title>
<link rel="stylesheet" href="${PATHS.stylesheet}">
<link rel="stylesheet" href="${CONSOLE_PATHS.stylesheet}">
${opts.script === false ? '' : html`<script src="${CONSOLE_PATHS.script}" defer></script>`}
</head>
<body class="console">
<a class="skip" href="#main">Skip to content</a>
${topBar(chrome)}
<main id="main" class="console-main">
${body}
</main>
</body>
</html>
`;
}

/** The console's error page (the page handler's error view): no navigation, no script. */
export function consoleErrorPage(title: string, explanation: string): Html {
  return consoleLayout(
    title,
    html`<h1>${title}</h1>
<div class="error" role="alert">${explanation}</div>
<p><a href="${CONSOLE_PATHS.apps}">Back to the console</a></p>`,
    undefined,
    { script: false },
  );
}

/** Sends a console page: the pages' headers (no-store, no framing, CSP) with our script allowed. */
export function sendConsolePage(reply: FastifyReply, page: Html, status = 200): FastifyReply {
  return sendPage(reply, page, { status, scripts: true });
}

/** A one-line notice after a successful action (`?done=` codes map to fixed texts). */
export function notice(text: string | undefined): Html {
  return text ? html`<p class="notice-ok" role="status">${text}</p>` : html``;
}
