// The grading form, keyboard first (templates/grading/form.html; the list the grader sees is
// templates/grading/_shortcuts.html). Without this file the form still works: every comment box
// opens by a click, the live score comes from htmx, and Submit posts the form.
(() => {
  "use strict";

  const SEEK_SECONDS = 5;
  const TYPING = "textarea, select, input:not([type=radio]):not([type=checkbox]):not([type=hidden])";
  const ACTIVATES_WITH_SPACE = "button, a[href], summary, input[type=checkbox]";
  const SUBMIT_AND_NEXT = 'button[name="then"][value="next"]'; // "Submit and next" (form_views.submit)

  let form, audio, current;

  const criteria = () => [...form.querySelectorAll(".gr-criterion")];
  const radios = (criterion) => [...criterion.querySelectorAll("input[type=radio]")];
  const checkedRadio = (criterion) => criterion.querySelector("input[type=radio]:checked");
  const losesPoints = (criterion) => checkedRadio(criterion)?.hasAttribute("data-loses") ?? false;
  const commentOf = (criterion) => criterion.querySelector("details.gr-comment");

  function makeCurrent(criterion) {
    if (current === criterion) return;
    current?.classList.remove("is-current");
    current = criterion;
    current.classList.add("is-current");
  }

  // Focus lands on the chosen answer, or the first one: where a radio group takes the focus itself.
  function focusCriterion(criterion) {
    makeCurrent(criterion);
    (checkedRadio(criterion) || radios(criterion)[0]).focus();
    criterion.scrollIntoView({ block: "nearest" });
  }

  function step(by) {
    const all = criteria();
    const next = all[all.indexOf(current) + by];
    if (next) focusCriterion(next);
  }

  // A comment opens once points are lost and closes again, if still empty, when they no longer are.
  function syncComment(criterion) {
    const details = commentOf(criterion);
    const empty = !details.querySelector("textarea").value.trim() && !details.querySelector("[data-token]");
    if (losesPoints(criterion)) details.open = true;
    else if (empty && !criterion.classList.contains("has-error")) details.open = false;
  }

  function openComment(criterion) {
    const details = commentOf(criterion);
    details.open = true;
    details.querySelector("textarea").focus();
  }

  function answer(criterion, radio) {
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true })); // the live score and the draft follow
    if (losesPoints(criterion)) {
      openComment(criterion); // a comment is required: straight into it
      return;
    }
    const all = criteria();
    const next = all[all.indexOf(criterion) + 1];
    if (next) focusCriterion(next);
    else document.getElementById("feedback_good")?.focus();
  }

  function answerByKey(key) {
    const radio = radios(current).find((r) => r.dataset.key === key);
    if (!radio) return false;
    answer(current, radio);
    return true;
  }

  // ---- evidence --------------------------------------------------------------------------------

  function quoteField(criterion) {
    return criterion.querySelector(`input[name="q-${criterion.dataset.key}"]`);
  }

  function writeTokens(criterion) {
    const field = quoteField(criterion);
    field.value = [...criterion.querySelectorAll("[data-token]")].map((item) => item.dataset.token).join(" ");
    field.dispatchEvent(new Event("change", { bubbles: true })); // the draft saves it
  }

  function clockText(seconds) {
    const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    const mm = h ? String(m).padStart(2, "0") : String(m);
    return `${h ? `${h}:` : ""}${mm}:${String(s).padStart(2, "0")}`;
  }

  // The same markup as templates/grading/_quote.html; the server stores the line's text from its own copy.
  function quoteItem(token, lineIndex, text) {
    const item = document.createElement("li");
    item.className = "gr-quote-item";
    item.dataset.token = token;
    if (lineIndex !== null) {
      const q = document.createElement("q");
      q.textContent = text;
      const where = document.createElement("span");
      where.className = "muted";
      where.textContent = `line ${lineIndex + 1}`;
      item.append(q, " ", where);
    } else {
      const seek = document.createElement("button");
      seek.type = "button";
      seek.className = "link";
      seek.dataset.seek = token.slice("time:".length);
      seek.title = "Play from here";
      seek.textContent = `at ${clockText(Number(seek.dataset.seek))}`;
      item.append(seek);
    }
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link";
    remove.dataset.unquote = "";
    remove.setAttribute("aria-label", "Remove this quote");
    remove.textContent = "×";
    item.append(" ", remove);
    return item;
  }

  function addQuote(criterion, token, lineIndex = null, text = "") {
    commentOf(criterion).open = true;
    if (!criterion.querySelector(`[data-token="${token}"]`)) {
      criterion.querySelector(".gr-evidence").append(quoteItem(token, lineIndex, text));
      writeTokens(criterion);
    }
    criterion.scrollIntoView({ block: "nearest" });
  }

  function quoteTime(criterion) {
    if (!audio) return;
    addQuote(criterion, `time:${Math.floor(audio.currentTime)}`);
  }

  // ---- the recording ---------------------------------------------------------------------------

  function playOrPause() {
    if (audio.paused) audio.play();
    else audio.pause();
  }

  function seek(seconds) {
    audio.currentTime = Math.max(0, Math.min(audio.duration || Infinity, seconds));
  }

  // ---- keys ------------------------------------------------------------------------------------

  function submitWith(selector) {
    const button = form.querySelector(selector);
    if (!button) return false;
    form.requestSubmit(button);
    return true;
  }

  function onKey(event) {
    const dialog = document.getElementById("gr-shortcuts");
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      const done = event.shiftKey ? submitWith(SUBMIT_AND_NEXT) : submitWith("[data-submit]");
      if (done) event.preventDefault();
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey || dialog?.open) return;
    const target = event.target;
    if (target.matches(TYPING)) {
      const criterion = target.closest(".gr-criterion");
      if (event.key === "Escape" && criterion) {
        event.preventDefault();
        focusCriterion(criterion);
      }
      return;
    }
    if (event.key === " " && target.matches(ACTIVATES_WITH_SPACE)) return;
    if (handle(event.key)) event.preventDefault();
  }

  function handle(key) {
    switch (key) {
      case "?": document.getElementById("gr-shortcuts")?.showModal(); return true;
      case "j": step(1); return true;
      case "k": step(-1); return true;
      case "c": openComment(current); return true;
      case "t": quoteTime(current); return Boolean(audio);
      case " ": if (audio) playOrPause(); return Boolean(audio);
      case "[": if (audio) seek(audio.currentTime - SEEK_SECONDS); return Boolean(audio);
      case "]": if (audio) seek(audio.currentTime + SEEK_SECONDS); return Boolean(audio);
      default: return /^[1-9n]$/.test(key) && answerByKey(key);
    }
  }

  function onClick(event) {
    const line = event.target.closest("[data-quote-line]");
    if (line) {
      const index = Number(line.dataset.quoteLine);
      const text = document.querySelector(`#line-${index} .gr-line`).textContent;
      addQuote(current, `line:${index}`, index, text);
      line.classList.add("is-quoted");
      return;
    }
    const time = event.target.closest("[data-quote-time]");
    if (time) return quoteTime(time.closest(".gr-criterion"));
    const unquote = event.target.closest("[data-unquote]");
    if (unquote) {
      const criterion = unquote.closest(".gr-criterion");
      unquote.closest("[data-token]").remove();
      writeTokens(criterion);
      return;
    }
    const at = event.target.closest("[data-seek]");
    if (at && audio) {
      seek(Number(at.dataset.seek));
      audio.play();
      return;
    }
    if (event.target.closest("[data-shortcuts]")) document.getElementById("gr-shortcuts").showModal();
  }

  function start() {
    form = document.getElementById("grading-form");
    if (!form) return;
    audio = document.getElementById("gr-audio");
    // What only works with this script shows only with it.
    document.querySelectorAll("[data-quote-line], [data-unquote], [data-shortcuts]").forEach((el) => { el.hidden = false; });
    if (audio) form.querySelectorAll("[data-quote-time]").forEach((el) => { el.hidden = false; });
    if (form.querySelector(SUBMIT_AND_NEXT)) {
      document.querySelector("[data-shortcut-next]")?.removeAttribute("hidden");
    }

    form.addEventListener("focusin", (event) => {
      const criterion = event.target.closest(".gr-criterion");
      if (criterion) makeCurrent(criterion);
    });
    form.addEventListener("change", (event) => {
      if (event.target.type === "radio") syncComment(event.target.closest(".gr-criterion"));
    });
    // An autosave still pending when the form is submitted would race the submission, and its answer,
    // arriving last, could carry a session without the "submitted" notice: once submitting, no more drafts.
    let submitting = false;
    form.addEventListener("submit", () => { submitting = true; });
    form.addEventListener("htmx:beforeRequest", (event) => {
      if (submitting && event.detail.elt === form) event.preventDefault();
    });
    document.addEventListener("keydown", onKey);
    document.addEventListener("click", onClick);

    // The first criterion with an error, else the first unanswered one, else the first.
    const all = criteria();
    if (!all.length) return;
    const first = all.find((c) => c.classList.contains("has-error")) || all.find((c) => !checkedRadio(c)) || all[0];
    focusCriterion(first);
  }

  document.addEventListener("DOMContentLoaded", start);
})();
