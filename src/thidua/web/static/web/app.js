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
