// On narrow screens the sidebar's sections fold behind a menu button (the stylesheet hides them
// once this marks the sidebar collapsible); Escape or a click outside folds them again.

export function collapseSidebar(root) {
  const sidebar = root.querySelector("[data-sidebar]");
  const button = sidebar?.querySelector("[data-sidebar-toggle]");
  if (!button) return;
  const isOpen = () => button.getAttribute("aria-expanded") === "true";
  const setOpen = (open) => {
    button.setAttribute("aria-expanded", String(open));
    sidebar.classList.toggle("sidebar--open", open);
  };
  sidebar.dataset.collapsible = "";
  button.addEventListener("click", () => setOpen(!isOpen()));
  sidebar.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !isOpen()) return;
    setOpen(false);
    button.focus();
  });
  root.addEventListener("pointerdown", (event) => {
    if (isOpen() && !sidebar.contains(event.target)) setOpen(false);
  });
}
