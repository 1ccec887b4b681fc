// Copies a value to the clipboard: a button with data-copy="ID" copies the value of the element
// with that id. Without this module the field stays selectable and its hint says how to copy it.

export function enhanceCopyButtons(root) {
  for (const button of root.querySelectorAll("button[data-copy]")) {
    const source = root.getElementById(button.dataset.copy);
    if (!source || !navigator.clipboard) continue;
    button.hidden = false;
    source.addEventListener("focus", () => source.select());
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.value);
        button.textContent = "Copied";
      } catch {
        source.select();
        button.textContent = "Press Ctrl+C to copy";
      }
    });
  }
}
