// Suggest existing tags for the word being typed in a comma-separated tag field.
// Up/Down choose, Enter or a click takes the suggestion, Escape closes the list.
(function () {
  "use strict";

  function currentWord(input) {
    const parts = input.value.split(",");
    return parts[parts.length - 1].trim();
  }

  function replaceCurrentWord(input, tag) {
    const parts = input.value.split(",");
    parts[parts.length - 1] = (parts.length > 1 ? " " : "") + (tag.includes(" ") ? '"' + tag + '"' : tag);
    input.value = parts.join(",") + ", ";
  }

  function attach(input) {
    const list = document.createElement("ul");
    list.className = "tag-suggestions";
    list.id = input.id + "-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.insertAdjacentElement("afterend", list);
    let active = -1;
    let pending = null;

    function close() {
      list.hidden = true;
      list.replaceChildren();
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      const options = list.querySelectorAll("li");
      options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
      active = index;
      if (options[index]) input.setAttribute("aria-activedescendant", options[index].id);
    }

    function choose(tag) {
      replaceCurrentWord(input, tag);
      close();
      input.focus();
    }

    function show(tags) {
      const typed = currentWord(input).toLowerCase();
      const taken = input.value.split(",").slice(0, -1).map((t) => t.trim().replace(/"/g, "").toLowerCase());
      const fresh = tags.filter((tag) => !taken.includes(tag.toLowerCase()) && tag.toLowerCase() !== typed);
      if (!fresh.length) return close();
      list.replaceChildren(...fresh.map((tag, i) => {
        const option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.textContent = tag;
        option.addEventListener("mousedown", (event) => { event.preventDefault(); choose(tag); });
        return option;
      }));
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(-1);
    }

    input.addEventListener("input", () => {
      const word = currentWord(input);
      if (pending) pending.abort();
      if (!word) return close();
      pending = new AbortController();
      fetch(input.dataset.tagSuggestions + "?q=" + encodeURIComponent(word), {
        credentials: "same-origin", signal: pending.signal,
      })
        .then((response) => (response.ok ? response.json() : { tags: [] }))
        .then((data) => show(data.tags || []))
        .catch(() => {});
    });

    input.addEventListener("keydown", (event) => {
      const options = list.querySelectorAll("li");
      if (list.hidden || !options.length) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + options.length) % options.length);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(options[active].textContent);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  function start() {
    document.querySelectorAll("input[data-tag-suggestions]").forEach(attach);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
