// Opens links marked data-modal-url in the layout's content dialog, loading their content when
// opened. Without JavaScript (or without the dialog) the links open the page itself.

export function enhanceModals(root) {
  const dialog = root.getElementById("content-modal");
  if (!dialog) return;
  const title = dialog.querySelector(".modal__title");
  const body = dialog.querySelector(".modal__content");
  let opener = null;
  dialog.querySelector("[data-modal-close]")?.addEventListener("click", () => dialog.close());
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener("close", () => {
    opener?.focus();
    opener = null;
  });

  root.addEventListener("click", async (event) => {
    const link = event.target.closest("a[data-modal-url]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    opener = link;
    title.textContent = link.dataset.modalTitle || "";
    body.textContent = "Loading…";
    dialog.showModal();
    const url = link.dataset.modalUrl;
    try {
      const response = await fetch(url + (url.includes("?") ? "&" : "?") + "fragment=1", {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (!response.ok) throw new Error(`The server answered ${response.status}.`);
      body.innerHTML = await response.text();
      const list = body.querySelector(".conversation__list");
      if (list) list.lastElementChild?.scrollIntoView({ block: "end" });
    } catch (error) {
      body.textContent = `The conversation could not be loaded. ${error.message}`;
    }
  });
}
