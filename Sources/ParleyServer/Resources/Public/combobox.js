// Searchable dropdowns: typing asks the lookup endpoint for matches; choosing one fills the
// hidden input the form submits. Choosing a product proposes its vendor in the same form.

let counter = 0;

export function enhanceComboboxes(root) {
  for (const element of root.querySelectorAll("[data-combobox]")) enhance(element);
}

function enhance(element) {
  const input = element.querySelector("[data-combobox-input]");
  const value = element.querySelector("[data-combobox-value]");
  const list = element.querySelector("[data-combobox-list]");
  const lookup = element.dataset.lookup;
  const listID = list.id || `combobox-list-${++counter}`;
  list.id = listID;
  input.setAttribute("aria-controls", listID);
  let items = [];
  let active = -1;
  let timer = null;
  let request = 0;

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };

  const highlight = (index) => {
    const options = [...list.querySelectorAll("[role=option]")];
    options.forEach((option, i) => {
      option.classList.toggle("combobox__option--active", i === index);
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    active = index;
    if (options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }
  };

  const choose = (item) => {
    value.value = String(item.id);
    input.value = item.label;
    element.dataset.chosenLabel = item.label;
    close();
    value.dispatchEvent(new Event("change", { bubbles: true }));
    if (value.name === "product_id" && item.vendor_id) proposeVendor(element.closest("form"), item);
  };

  const render = () => {
    list.replaceChildren();
    items.forEach((item, index) => {
      const option = document.createElement("li");
      option.id = `${listID}-option-${index}`;
      option.className = "combobox__option";
      option.setAttribute("role", "option");
      const label = document.createElement("span");
      label.className = "combobox__label";
      label.textContent = item.label;
      const detail = document.createElement("span");
      detail.className = "combobox__detail";
      detail.textContent = item.detail || "";
      option.append(label, detail);
      option.addEventListener("mousedown", (event) => {
        event.preventDefault();
        choose(item);
      });
      list.append(option);
    });
    if (items.length === 0) {
      const empty = document.createElement("li");
      empty.className = "combobox__empty";
      empty.textContent = "No matches";
      list.append(empty);
    }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(items.length ? 0 : -1);
  };

  const search = async () => {
    const mine = ++request;
    const url = lookup + (lookup.includes("?") ? "&" : "?") + "q=" + encodeURIComponent(input.value.trim());
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok || mine !== request) return;
      items = (await response.json()).data || [];
      if (document.activeElement === input) render();
    } catch {
      // A failed lookup leaves the field as typed; the server validates the form anyway.
    }
  };

  input.addEventListener("input", () => {
    if (input.value.trim() === "") value.value = "";
    else if (input.value !== element.dataset.chosenLabel) value.value = "";
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
  input.addEventListener("focus", () => {
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (list.hidden) search();
      else highlight(Math.min(active + 1, items.length - 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (event.key === "Enter" && !list.hidden) {
      event.preventDefault();
      if (items[active]) choose(items[active]);
    } else if (event.key === "Escape" && !list.hidden) {
      // Handled here: a panel around the dropdown should stay open.
      event.preventDefault();
      close();
    }
  });
  element.dataset.chosenLabel = input.value;
}

// The vendor usually owns the product, so it is filled in unless someone chose a vendor by hand.
function proposeVendor(form, product) {
  const vendor = form?.querySelector("[data-combobox] [name=vendor_id]")?.closest("[data-combobox]");
  if (!vendor) return;
  const value = vendor.querySelector("[data-combobox-value]");
  const input = vendor.querySelector("[data-combobox-input]");
  if (value.value && vendor.dataset.proposed !== "true") return;
  value.value = String(product.vendor_id);
  input.value = product.vendor_name || "";
  vendor.dataset.chosenLabel = input.value;
  vendor.dataset.proposed = "true";
}
