// Panels that open from a button (<details data-popover>: filters, columns) close the way menus
// do: Escape closes one and gives the focus back to its button, and a click or focus outside
// closes it. Opening one closes the others. Without JavaScript they open and close by their button.

export function enhancePopovers(root) {
  const popovers = [...root.querySelectorAll("details[data-popover]")];
  if (popovers.length === 0) return;
  const close = (details, refocus) => {
    if (!details.open) return;
    details.open = false;
    if (refocus) details.querySelector("summary")?.focus();
  };
  for (const details of popovers) {
    details.addEventListener("toggle", () => {
      if (!details.open) return;
      for (const other of popovers) if (other !== details) close(other, false);
    });
    // A searchable dropdown inside the panel handles Escape first and marks it handled.
    details.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || event.defaultPrevented || !details.open) return;
      event.preventDefault();
      close(details, true);
    });
    details.addEventListener("focusout", (event) => {
      if (event.relatedTarget && !details.contains(event.relatedTarget)) close(details, false);
    });
  }
  // pointerdown rather than click: a dropdown option chosen inside a panel is gone by the click.
  root.addEventListener("pointerdown", (event) => {
    for (const details of popovers) if (details.open && !details.contains(event.target)) close(details, false);
  });
}
