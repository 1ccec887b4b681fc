// Opens links marked data-modal-url in a dialog, loading their content when opened.

export function enhanceModals(root) {
  root.addEventListener("click", async (event) => {
    const link = event.target.closest("a[data-modal-url]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    const dialog = modal(root);
    dialog.querySelector(".modal__title").textContent = link.dataset.modalTitle || "";
    const body = dialog.querySelector(".modal__content");
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

function modal(root) {
  let dialog = root.getElementById("content-modal");
  if (dialog) return dialog;
  dialog = root.createElement("dialog");
  dialog.id = "content-modal";
  dialog.className = "modal modal--wide";
  dialog.innerHTML = `
    <div class="modal__header">
      <h2 class="modal__title"></h2>
      <button type="button" class="button button--link modal__close" aria-label="Close">Close</button>
    </div>
    <div class="modal__content"></div>`;
  dialog.querySelector(".modal__close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
  root.body.append(dialog);
  return dialog;
}
