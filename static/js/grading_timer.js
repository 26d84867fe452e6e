// The grading form's clock (vendor_qa/grading/timing.py): tells the server when the grader is at
// work and when away, so the time measured per evaluation leaves out a hidden tab or an idle browser.
// Loaded by its own <script> tag, which carries the report URL and the heartbeat interval:
//   <script src=".../grading_timer.js" defer data-url="/grading/assignments/7/clock" data-beat="30">
// Without JavaScript the server counts only the intervals it sees itself (start, drafts, submit).
(() => {
  const tag = document.currentScript;
  if (!tag || !tag.dataset.url) return;
  const url = tag.dataset.url;
  const beatMs = Number(tag.dataset.beat || 30) * 1000;
  const idleMs = 2 * 60 * 1000; // no key, pointer or scroll for this long, and nothing playing: away
  let lastInput = Date.now();
  let reportedAway = false;

  const token = () => {
    const field = document.querySelector('input[name="csrf_token"]');
    return field ? field.value : "";
  };

  const report = (event) => {
    const body = new FormData();
    body.append("event", event);
    body.append("csrf_token", token());
    // sendBeacon survives the tab being hidden or closed; fetch is the fallback.
    if (!(navigator.sendBeacon && navigator.sendBeacon(url, body))) {
      fetch(url, { method: "POST", body, credentials: "same-origin", keepalive: true }).catch(() => {});
    }
    reportedAway = event === "away";
  };

  const playing = () => Array.from(document.querySelectorAll("audio, video")).some((m) => !m.paused && !m.ended);
  const working = () => document.visibilityState === "visible" && (playing() || Date.now() - lastInput < idleMs);

  for (const name of ["keydown", "pointerdown", "input", "scroll", "wheel"]) {
    document.addEventListener(name, () => {
      lastInput = Date.now();
      if (reportedAway && document.visibilityState === "visible") report("active");
    }, { passive: true, capture: true });
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      report("away");
    } else {
      lastInput = Date.now();
      report("active");
    }
  });

  setInterval(() => {
    if (working()) {
      report("active");
    } else if (!reportedAway) {
      report("away");
    }
  }, beatMs);
})();
