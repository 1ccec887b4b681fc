// Confirmations fade after a while; they stay in the page for screen readers and tests.

export function fadeNotices(root) {
  for (const notice of root.querySelectorAll("[data-notice]")) {
    setTimeout(() => notice.classList.add("notice--faded"), 8000);
  }
}
