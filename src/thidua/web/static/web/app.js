// Upload progress: htmx fires htmx:xhr:progress while the browser sends the file.
document.addEventListener("htmx:xhr:progress", (event) => {
  const form = event.target.closest("form[data-progress]");
  if (!form || !event.detail.lengthComputable) return;
  const box = document.getElementById(form.dataset.progress);
  const bar = box.querySelector("progress");
  const pct = Math.round((event.detail.loaded / event.detail.total) * 100);
  box.classList.add("active");
  bar.value = pct;
  box.querySelector("[data-pct]").textContent = pct + "%";
});
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.target.closest && event.target.closest("form[data-progress]");
  if (form) document.getElementById(form.dataset.progress).classList.remove("active");
});

// Ask before what cannot be undone: a submit button (or its form) with data-confirm shows the
// text, which names what will happen; Cancel sends nothing. No inline script (CSP).
let lastSubmitter = null;
document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("button, input[type=submit]");
  if (button && button.form) lastSubmitter = button;
}, true);
document.addEventListener("submit", (event) => {
  const form = event.target;
  let button = event.submitter || lastSubmitter;
  if (button && button.form !== form) button = null;
  lastSubmitter = null;
  const text = (button && button.dataset.confirm) || form.dataset.confirm;
  if (text && !window.confirm(text)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// Phone: a table of records reads as one card per row under 640 px (app.css, table.cards).
// Each cell gets its column's heading as data-label (again after an htmx swap: idempotent). Tables whose cells span rows or columns
// (matrices, grouped histories) keep their columns and scroll inside their own box instead.
function labelTables(root) {
  root.querySelectorAll("main table").forEach((table) => {
    const heads = table.tHead && table.tHead.rows.length === 1 ? [...table.tHead.rows[0].cells] : null;
    // Three columns or fewer fit a phone as they are.
    if (!heads || heads.length < 4 || heads.some((th) => th.colSpan > 1)) return;
    if (table.classList.contains("no-cards")) return;
    const rows = [...table.tBodies].flatMap((body) => [...body.rows]);
    if (rows.some((tr) => [...tr.cells].some((td) => td.rowSpan > 1))) return;
    rows.forEach((tr) => {
      if (tr.cells.length === 1 && tr.cells[0].colSpan > 1) return; // "nothing found" row
      [...tr.cells].forEach((td, i) => {
        if (heads[i] && !td.hasAttribute("data-label")) td.dataset.label = headText(heads[i]);
      });
    });
    table.classList.add("cards");
  });
}
// A sortable heading's own words, without its arrow.
function headText(th) {
  const link = th.querySelector("a.sort");
  return ((link && link.firstChild) || th).textContent.trim();
}
document.addEventListener("DOMContentLoaded", () => labelTables(document));
document.addEventListener("htmx:afterSettle", (event) => labelTables(event.target.ownerDocument || document));
