// The sharing page's small enhancement over the plain page (which works without any script):
// a "Copy link" button beside each new link, whose field is selected as it arrives. Without
// script the field is still there, readonly and focused, for a person to select and copy.
"use strict";

const showCopyButtons = () => {
  for (const button of document.querySelectorAll("button.copy-link[hidden]")) {
    button.hidden = false;
    const field = document.getElementById(button.dataset.copy);
    if (field) {
      field.focus();
      field.select();
    }
  }
};

const copyLink = async (button) => {
  const field = document.getElementById(button.dataset.copy);
  const said = button.parentElement.querySelector(".copy-said");
  if (!field) {
    return;
  }
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
    said.textContent = "Copied.";
  } catch {
    // No clipboard for this page (an old browser, or permission refused): the link is
    // selected, so the keyboard's copy still works.
    said.textContent = "Selected: press Ctrl+C (⌘C on a Mac) to copy.";
  }
};

document.addEventListener("DOMContentLoaded", showCopyButtons);
// A link made with htmx arrives in a swapped section.
document.addEventListener("htmx:afterSettle", showCopyButtons);
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.copy-link");
  if (button) {
    copyLink(button);
  }
});
