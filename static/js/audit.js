// The audit page's small enhancements over the plain form (which works without any script):
// mark the page as scripted (CSS then hides the buttons only a page without htmx needs), open
// "What the numbers mean" where there is room for it, focus the error summary, and say
// "Saved" beside the rating just chosen once its live save has answered.
"use strict";

document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  const scale = document.querySelector("details.scale");
  if (scale && window.matchMedia("(min-width: 48rem)").matches) {
    scale.open = true;
  }

  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }

  const form = document.querySelector("form.ratings-form[data-hx-post]");
  if (!form) {
    return;
  }

  const cueFor = (fieldset) => {
    let cue = fieldset.querySelector(".saved-cue");
    if (!cue) {
      cue = document.createElement("span");
      cue.className = "saved-cue";
      // The live status line beside the panel already announces each save.
      cue.setAttribute("aria-hidden", "true");
      fieldset.querySelector(".choices").after(cue);
    }
    return cue;
  };

  const setCue = (fieldset, state, text) => {
    const cue = cueFor(fieldset);
    cue.dataset.state = state;
    cue.textContent = text;
  };

  form.addEventListener("change", (event) => {
    const fieldset = event.target.closest("fieldset.skill");
    if (!fieldset) {
      return;
    }
    // Only the rating just chosen carries the cue.
    for (const other of form.querySelectorAll(".saved-cue[data-state='saved']")) {
      other.dataset.state = "";
      other.textContent = "";
    }
    setCue(fieldset, "saving", "Saving…");
  });

  // A rating chosen while a save is under way goes with the next save, not this one.
  form.addEventListener("htmx:beforeRequest", () => {
    for (const cue of form.querySelectorAll(".saved-cue[data-state='saving']")) {
      cue.dataset.state = "sent";
    }
  });

  form.addEventListener("htmx:afterRequest", (event) => {
    const ok = event.detail.successful;
    for (const cue of form.querySelectorAll(".saved-cue[data-state='sent']")) {
      cue.dataset.state = ok ? "saved" : "failed";
      cue.textContent = ok ? "Saved" : "Not saved";
    }
  });
});
