// Notices arrive as toasts: CSS fades them out after a few seconds (pausing while pointed at or
// focused); this adds the close button. A dismissed or faded toast is only hidden, so its text
// stays in the page for screen readers and tests.

export function enhanceToasts(root) {
  for (const toast of root.querySelectorAll("[data-notice]")) {
    const dismiss = () => {
      toast.hidden = true;
    };
    const close = toast.querySelector("[data-notice-close]");
    if (close) {
      close.hidden = false;
      close.addEventListener("click", dismiss);
    }
    toast.addEventListener("animationend", (event) => {
      if (event.animationName === "toast-out") dismiss();
    });
  }
}
