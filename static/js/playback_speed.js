// <select data-playback-speed="<id of an audio or video element>">: plays that element at the chosen
// speed (0.75x to 2x). The browser keeps the pitch. Without JavaScript the player plays at 1x.
document.addEventListener("change", (event) => {
  const control = event.target.closest("[data-playback-speed]");
  if (!control) return;
  const player = document.getElementById(control.dataset.playbackSpeed);
  if (player) player.playbackRate = Number(control.value);
});
