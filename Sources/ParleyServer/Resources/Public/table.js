// Row selection, bulk-action buttons (their bar, data-bulk-bar, shows once a row is selected),
// column visibility, auto-submitting selects, and a mark on tables wider than their card.

const COLUMN_KEY = "parley.columns.";

export function enhanceTables(root) {
  for (const form of root.querySelectorAll("[data-bulk-form]")) enhanceSelection(form);
  for (const toggle of root.querySelectorAll("[data-column-toggle]")) enhanceColumnToggle(toggle, root);
  for (const select of root.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
  for (const wrap of root.querySelectorAll(".table__wrap")) markOverflow(wrap);
}

// The row actions stay pinned to the right edge; a divider shows only when columns pass under them.
function markOverflow(wrap) {
  const update = () => wrap.classList.toggle("table__wrap--overflowing", wrap.scrollWidth > wrap.clientWidth + 1);
  new ResizeObserver(update).observe(wrap);
  if (wrap.firstElementChild) new ResizeObserver(update).observe(wrap.firstElementChild);
}

function enhanceSelection(form) {
  const all = form.querySelector("[data-select-all]");
  const boxes = () => [...form.querySelectorAll("[data-row-check]")];
  const count = form.querySelector("[data-selected-count]");
  const bar = form.querySelector("[data-bulk-bar]");
  const update = () => {
    const checked = boxes().filter((box) => box.checked).length;
    if (count) count.textContent = `${checked} selected`;
    if (bar) bar.hidden = checked === 0;
    for (const button of form.querySelectorAll("[data-requires-selection]")) button.disabled = checked === 0;
    if (all) {
      all.checked = checked > 0 && checked === boxes().length;
      all.indeterminate = checked > 0 && checked < boxes().length;
    }
  };
  all?.addEventListener("change", () => {
    for (const box of boxes()) box.checked = all.checked;
    update();
  });
  form.addEventListener("change", (event) => {
    if (event.target.matches("[data-row-check]")) update();
  });
  update();
}

// Optional columns are hidden by CSS until the table says otherwise; the choice is kept per
// column in localStorage so it survives reloads and other list pages.
function enhanceColumnToggle(toggle, root) {
  const table = root.querySelector("[data-table]");
  if (!table) return;
  for (const input of toggle.querySelectorAll("input[data-column]")) {
    const key = input.dataset.column;
    const stored = localStorage.getItem(COLUMN_KEY + key);
    if (stored !== null) input.checked = stored === "1";
    apply(table, key, input.checked);
    input.addEventListener("change", () => {
      localStorage.setItem(COLUMN_KEY + key, input.checked ? "1" : "0");
      apply(table, key, input.checked);
    });
  }
}

function apply(table, key, visible) {
  table.classList.toggle(`table--show-${key}`, visible);
  table.classList.toggle(`table--hide-${key}`, !visible);
}
