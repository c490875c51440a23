/**
 * The one stylesheet of the authorization pages, served by us (CSP `style-src 'self'`, no
 * external assets). Mobile first: one column, large tap targets; a centred card on wider
 * screens; follows the system's light or dark scheme.
 */
export const STYLESHEET = `
:root {
  color-scheme: light dark;
  --bg: #f3f5f8; --card: #ffffff; --text: #1b1f24; --muted: #5b6470; --line: #d9dee5;
  --accent: #0b5cad; --accent-text: #ffffff; --danger: #b3261e; --ok: #1e6b3a;
  --notice-bg: #fff4e5; --notice-line: #f0b35a; --error-bg: #fdecea; --error-line: #e8a19b;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #111418; --card: #1b2027; --text: #e8ebef; --muted: #a2abb7; --line: #323a45;
    --accent: #5aa2f0; --accent-text: #0b1320; --danger: #ff8a80; --ok: #7ed69b;
    --notice-bg: #33280f; --notice-line: #8a6a2a; --error-bg: #3a1c1a; --error-line: #7d3b36;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; min-height: 100vh; background: var(--bg); color: var(--text);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  display: flex; flex-direction: column; align-items: center;
}
.brand { width: 100%; max-width: 30rem; padding: 1.25rem 1rem 0.5rem; color: var(--muted);
  font-size: 0.9rem; letter-spacing: 0.02em; }
.brand strong { color: var(--text); }
main.card {
  width: 100%; max-width: 30rem; background: var(--card); padding: 1.5rem 1.25rem 1.75rem;
  border-top: 1px solid var(--line); border-bottom: 1px solid var(--line);
}
@media (min-width: 34rem) {
  body { justify-content: flex-start; padding-top: 6vh; }
  main.card { border: 1px solid var(--line); border-radius: 12px; padding: 2rem 2rem 2.25rem;
    box-shadow: 0 1px 2px rgba(0,0,0,.04), 0 8px 24px rgba(0,0,0,.06); }
}
h1 { font-size: 1.4rem; line-height: 1.3; margin: 0 0 0.75rem; }
h2 { font-size: 1.05rem; margin: 1.5rem 0 0.5rem; }
p { margin: 0 0 1rem; }
a { color: var(--accent); }
.muted { color: var(--muted); font-size: 0.92rem; }
.app-name { font-weight: 650; }
code, .scope-name { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.85em; }
label { display: block; font-weight: 600; margin: 1rem 0 0.35rem; }
input[type=text], input[type=password] {
  width: 100%; font: inherit; padding: 0.7rem 0.8rem; border: 1px solid var(--line);
  border-radius: 8px; background: var(--card); color: var(--text);
}
input:focus-visible, button:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.actions { display: flex; flex-direction: column-reverse; gap: 0.75rem; margin-top: 1.5rem; }
@media (min-width: 34rem) { .actions { flex-direction: row; justify-content: flex-end; } }
button {
  font: inherit; font-weight: 600; min-height: 2.9rem; padding: 0.6rem 1.4rem; border-radius: 8px;
  border: 1px solid var(--line); background: var(--card); color: var(--text); cursor: pointer;
}
button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-text); }
button.danger { color: var(--danger); border-color: var(--danger); background: transparent; }
button.link { border: 0; background: none; color: var(--accent); padding: 0; min-height: 0;
  font-weight: 500; text-decoration: underline; }
.actions button { width: 100%; }
@media (min-width: 34rem) { .actions button { width: auto; } }
ul.scopes { list-style: none; padding: 0; margin: 0.5rem 0 1rem; border: 1px solid var(--line);
  border-radius: 8px; }
ul.scopes li { padding: 0.7rem 0.9rem; border-top: 1px solid var(--line); }
ul.scopes li:first-child { border-top: 0; }
ul.scopes .scope-name { display: block; color: var(--muted); margin-top: 0.15rem; }
.notice, .error { border: 1px solid; border-radius: 8px; padding: 0.75rem 0.9rem; margin: 0 0 1rem; }
.notice { background: var(--notice-bg); border-color: var(--notice-line); }
.error { background: var(--error-bg); border-color: var(--error-line); }
.ok { color: var(--ok); font-weight: 600; }
ul.apps { list-style: none; padding: 0; margin: 0; }
ul.apps > li { border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin: 0 0 0.9rem; }
ul.apps h2 { margin: 0 0 0.25rem; }
ul.apps form { margin-top: 0.75rem; }
.signed-in { display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; align-items: baseline;
  justify-content: space-between; margin-top: 1.75rem; padding-top: 1rem; border-top: 1px solid var(--line); }
.signed-in form { margin: 0; }
footer { color: var(--muted); font-size: 0.8rem; padding: 1.25rem 1rem 2rem; text-align: center; }
`;
