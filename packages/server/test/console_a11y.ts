/**
 * Accessibility checks a test can automate, run inside the page (playwright-core): every
 * visible form control has a label, every button and link has a name, ids are unique and
 * every aria-describedby target exists, nothing is wider than the viewport, and text has
 * WCAG AA contrast against its background (4.5:1; 3:1 for large text).
 */
import type { Page } from 'playwright-core';

/** Runs in the browser; returns the problems found. */
function audit(): string[] {
  const problems: string[] = [];
  const short = (el: Element) => el.outerHTML.slice(0, 100);
  const visible = (el: Element) =>
    (el as HTMLElement).offsetParent !== null || el.getClientRects().length > 0;

  for (const el of Array.from(document.querySelectorAll<HTMLInputElement>('input, select, textarea'))) {
    if (el.type === 'hidden') continue;
    const named =
      (el.labels?.length ?? 0) > 0 || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (!named) problems.push(`control without a label: ${short(el)}`);
  }
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('button, a[href], summary'))) {
    if (el.hidden || !visible(el)) continue;
    const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim();
    if (!name) problems.push(`no accessible name: ${short(el)}`);
  }
  const ids = new Set<string>();
  for (const el of Array.from(document.querySelectorAll('[id]'))) {
    if (ids.has(el.id)) problems.push(`duplicate id ${el.id}`);
    ids.add(el.id);
  }
  for (const el of Array.from(document.querySelectorAll('[aria-describedby]'))) {
    for (const id of (el.getAttribute('aria-describedby') ?? '').split(/\s+/)) {
      if (id && !document.getElementById(id)) problems.push(`aria-describedby ${id} has no target`);
    }
  }
  if (document.documentElement.scrollWidth > window.innerWidth) {
    const wide = Array.from(document.querySelectorAll('body *')).find(
      (e) => e.getBoundingClientRect().right > window.innerWidth + 1,
    );
    problems.push(
      `page is ${document.documentElement.scrollWidth}px wide at ${window.innerWidth}px: ${wide ? short(wide) : ''}`,
    );
  }

  const rgba = (s: string): number[] => {
    const m = s.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0, 0];
    return [m[0] ?? 0, m[1] ?? 0, m[2] ?? 0, m[3] ?? 1];
  };
  const background = (el: Element | null): number[] => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3]! > 0.5) return c;
    }
    return [255, 255, 255, 1];
  };
  const lum = (c: number[]) => {
    const f = (v: number) => {
      const x = v / 255;
      return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(c[0]!) + 0.7152 * f(c[1]!) + 0.0722 * f(c[2]!);
  };
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
    if (el.closest('svg') || !visible(el)) continue;
    const text = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent!.trim() !== '');
    if (!text) continue;
    const st = getComputedStyle(el);
    if (st.visibility === 'hidden' || st.clip === 'rect(0px, 0px, 0px, 0px)') continue;
    const fg = rgba(st.color);
    const bg = background(el);
    const a = fg[3]!;
    const blended = [0, 1, 2].map((i) => fg[i]! * a + bg[i]! * (1 - a));
    const [l1, l2] = [lum(blended), lum(bg)].sort((x, y) => y - x);
    const ratio = (l1! + 0.05) / (l2! + 0.05);
    const size = Number.parseFloat(st.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(st.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) problems.push(`contrast ${ratio.toFixed(2)}: ${short(el)}`);
  }
  return problems;
}

export async function accessibilityProblems(page: Page): Promise<string[]> {
  // tsx (esbuild, keepNames) wraps named functions in __name(); the page has no such helper.
  await page.evaluate('globalThis.__name ??= (f) => f');
  return page.evaluate(audit);
}
