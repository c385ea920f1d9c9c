// Enhancements only: every feature below also works without JavaScript.
"use strict";

document.documentElement.classList.add("js");

// Ticking a facet value or changing the sort applies it at once
// (without JavaScript, the "Appliquer" buttons do the same).
document.addEventListener("change", (event) => {
  const control = event.target;
  if (control.matches("[data-autosubmit]") && control.form) {
    control.form.requestSubmit();
  }
});

// Autocomplete for person and source: refill the datalist with the facet's
// values that start with what has been typed.
function completeFacet(input) {
  const list = document.getElementById(input.getAttribute("list"));
  let timer = null;
  let controller = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const prefix = input.value.trim();
    if (prefix.length < 2) return;
    timer = setTimeout(async () => {
      if (controller) controller.abort();
      controller = new AbortController();
      const url = `${input.dataset.completeUrl}?n=12&prefix=${encodeURIComponent(prefix)}`;
      try {
        const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const data = await response.json();
        list.replaceChildren(...data.values.map((item) => {
          const option = document.createElement("option");
          option.value = item.value;
          option.label = `${item.value} (${item.count})`;
          return option;
        }));
      } catch (error) {
        if (error.name !== "AbortError") console.warn("autocomplete:", error);
      }
    }, 150);
  });
}

document.querySelectorAll("input[data-complete-url][list]").forEach(completeFacet);
