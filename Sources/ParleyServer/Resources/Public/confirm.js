// Asks before destructive actions: any submit button with data-confirm="…" opens the page's
// confirmation dialog, and the form is submitted only when the person confirms. {count} stands
// for the selected rows; data-confirm-one, when present, is the wording for exactly one.

export function enhanceConfirmations(root) {
  const dialog = root.getElementById("confirm-dialog");
  if (!dialog) return;
  const message = dialog.querySelector("[data-confirm-message]");
  let confirmed = null;

  root.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-confirm], input[data-confirm]");
    if (!button || !button.form || button === confirmed) return;
    event.preventDefault();
    const checked = button.form.querySelectorAll("[data-row-check]:checked").length;
    const wording = checked === 1 && button.dataset.confirmOne ? button.dataset.confirmOne : button.dataset.confirm;
    message.textContent = wording.replace("{count}", String(checked));
    dialog.returnValue = "";
    dialog.showModal();
    dialog.addEventListener("close", () => {
      if (dialog.returnValue !== "confirm") return;
      confirmed = button;
      // requestSubmit keeps the button's name, value and formaction.
      button.form.requestSubmit(button);
      confirmed = null;
    }, { once: true });
  });
}
