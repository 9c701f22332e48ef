// The entry page, as fast as Excel (issue 20). Tab and Enter go from value to value; Shift+Tab
// goes back the usual way, through the explanation of the row above, and a row that already
// carries a warning sends Tab to its explanation. Enter never sends the form. Without this
// script the page still works: Tab visits every field in order and Enter sends nothing (the
// form's first button, its default, is disabled).
(() => {
  const form = document.getElementById("entry-form");
  if (!form) return;
  const values = () =>
    Array.from(form.querySelectorAll("input.number")).filter((input) => !input.disabled);

  // A value typed before htmx was ready (a slow network, an old PC) lost its change event:
  // check it once htmx has read the page (its first load event is the body's).
  if (window.htmx) {
    window.htmx.onLoad((element) => {
      if (element !== document.body) return;
      values()
        .filter((input) => input.hasAttribute("hx-post") && input.value !== input.defaultValue)
        .forEach((input) => window.htmx.trigger(input, "change"));
    });
  }

  const needsExplanation = (input) => {
    const row = input.closest("tr");
    const explanation = row && row.querySelector("input.justification");
    return Boolean(
      explanation && !explanation.disabled && !explanation.value.trim() &&
      row.querySelector(".warnlist")
    );
  };

  form.addEventListener("keydown", (event) => {
    const input = event.target;
    if (!input.matches || !input.matches("input.number")) return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
    const enter = event.key === "Enter";
    if (!enter && !(event.key === "Tab" && !event.shiftKey)) return;
    if (enter) event.preventDefault(); // never sends the form
    if (!enter && needsExplanation(input)) return;
    const list = values();
    const next = list[list.indexOf(input) + 1];
    if (!next) return; // the last value: Tab goes on to the buttons
    event.preventDefault();
    next.focus();
    next.select();
  });

  // A failed save: the summary is read first, and each of its links puts the cursor in its field.
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      const field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    });
  }

  // Submitting with blank required indicators asks first, naming them; the server refuses such a
  // submit unless the names come back in confirm_blank.
  const submit = document.getElementById("submit-report");
  if (!submit) return;
  submit.dataset.baseConfirm = submit.dataset.confirm || "";
  submit.addEventListener("click", () => {
    const blank = Array.from(form.querySelectorAll("input.number[data-required]")).filter(
      (input) => !input.value.trim()
    );
    document.getElementById("confirm-blank").value = blank
      .map((input) => input.dataset.code)
      .join(",");
    const names = blank.map((input) => input.dataset.name).join(", ");
    submit.dataset.confirm = blank.length
      ? form.dataset.blankText.replace("__NAMES__", names) + "\n\n" + submit.dataset.baseConfirm
      : submit.dataset.baseConfirm;
  });
})();
