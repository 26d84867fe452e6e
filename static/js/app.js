// Site-wide behaviour. htmx swaps 422 answers too: they carry a form with its errors.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.htmx) return;
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "422", swap: true },
    { code: "[45]..", swap: false, error: true },
  ];
});

// An error answer to an htmx request (409 "taken a moment ago", 403, 404...) is not swapped into
// its target; its short message goes to the alert bar instead, so the click never fails silently.
document.addEventListener("htmx:responseError", (event) => {
  const bar = document.getElementById("htmx-error");
  if (!bar) return;
  const xhr = event.detail.xhr;
  bar.innerHTML = xhr.responseText.length < 2000 ? xhr.responseText : `Error ${xhr.status}.`;
  bar.hidden = false;
});
document.addEventListener("htmx:beforeRequest", () => {
  const bar = document.getElementById("htmx-error");
  if (bar) bar.hidden = true;
});
