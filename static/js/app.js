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

// Behaviour that templates would otherwise write inline (onsubmit=, onclick=, hx-on): the
// Content-Security-Policy runs no inline script, so it lives here, keyed by data- attributes.
// Listeners sit on the document, so fragments swapped in by htmx are covered too.

// <form data-confirm="Question?">: submitted only once the user says yes.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

// Logging out forgets what htmx noted in this tab (the last path, which may carry a search).
document.addEventListener("submit", (event) => {
  if (event.target.matches('form[action$="/logout"]')) sessionStorage.clear();
});

// <select data-submit-on-change>: a filter that applies as soon as it is picked.
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-submit-on-change]")) event.target.form.requestSubmit();
});

// <input data-select-on-focus>: a one-time secret, selected whole to be copied.
document.addEventListener("focusin", (event) => {
  if (event.target.matches("[data-select-on-focus]")) event.target.select();
});

// <a data-remove-form>: "Cancel" of a form added in place drops that form; without script the
// link reloads the page, which drops it too.
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-remove-form]");
  if (!link) return;
  event.preventDefault();
  link.closest("form").remove();
});

// <a data-history-back href="/">: back to the previous page when there is one, else the link.
document.addEventListener("click", (event) => {
  if (!event.target.closest("[data-history-back]") || window.history.length < 2) return;
  event.preventDefault();
  window.history.back();
});

// A request that an element makes of itself on a timer (hx-trigger="every Ns") is not the user at
// work: it says so, and the server does not count it as activity, so an open board does not keep
// an idle session alive (vendor_qa/auth/sessions.py).
document.addEventListener("htmx:configRequest", (event) => {
  const trigger = event.detail.elt.getAttribute("hx-trigger") || "";
  if (!event.detail.triggeringEvent && /\bevery\b/.test(trigger)) event.detail.headers["X-Background"] = "poll";
});
