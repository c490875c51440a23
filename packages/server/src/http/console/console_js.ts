/**
 * The console's one script, for niceties only (every page works without it): Copy buttons
 * next to a secret (hidden until this script shows them), and a read-only field selects its
 * text when focused, for copying by hand.
 */
export const CONSOLE_SCRIPT = `'use strict';
(() => {
  const status = document.querySelector('.copy-status');
  for (const button of document.querySelectorAll('button[data-copy]')) {
    const input = document.getElementById(button.dataset.copy);
    if (!input) continue;
    button.hidden = false;
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(input.value);
        button.textContent = 'Copied';
        if (status) status.textContent = 'Copied to the clipboard.';
        setTimeout(() => { button.textContent = 'Copy'; }, 2000);
      } catch {
        input.focus();
        input.select();
        if (status) status.textContent = 'Selected: press Ctrl+C (or ⌘C) to copy.';
      }
    });
  }
  for (const input of document.querySelectorAll('input[readonly]')) {
    input.addEventListener('focus', () => input.select());
  }
})();
`;
