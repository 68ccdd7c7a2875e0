// Print: the reasoning steps of the calculator's result are built only when a track is opened
// (calculator.mjs stepsFor). Before printing, open every folded track so that its steps are built and
// printed, and fold them back afterwards. The synthetic "toggle" builds the steps at once (the
// browser's own toggle event would come after the print layout); the real one that follows finds
// them built. Imported for its effect by calculator.mjs.
const opened = [];

window.addEventListener("beforeprint", () => {
  for (const d of document.querySelectorAll("details.calc-reasoning:not([open])")) {
    d.open = true;
    d.dispatchEvent(new Event("toggle"));
    opened.push(d);
  }
});

window.addEventListener("afterprint", () => {
  for (const d of opened.splice(0)) if (d.isConnected) d.open = false;
});
