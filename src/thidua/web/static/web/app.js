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
