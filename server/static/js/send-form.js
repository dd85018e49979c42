// Sending a case (or a reply) with its photos: progress while it uploads, and a failed send keeps
// everything entered, photos included (a plain form post would lose the chosen files).
//
// Markup contract: <form data-send data-error-network="..." data-error-refused="..."> with a
// `<progress data-send-progress hidden>` and a `<div data-send-errors aria-live="assertive">`.
// The request says it comes from here (`X-Requested-With: telederm`): on success the server
// answers 201 with the page to open in `Location`; on a refusal, 4xx with an HTML fragment of what
// to fix (one `<li data-field>` per field), shown in place, its fields marked invalid. Without
// this module the form posts normally and the server answers with pages.

// The fields the server refused, and only those, are marked invalid.
const markInvalid = (errors) => {
  const form = errors.closest("form");
  const refused = new Set([...errors.querySelectorAll("[data-field]")].map((li) => li.dataset.field));
  for (const field of form.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
  for (const name of refused) {
    const field = form.querySelector(`#${CSS.escape(name)}`);
    if (field && field.matches("input, select, textarea")) field.setAttribute("aria-invalid", "true");
  }
};

for (const form of document.querySelectorAll("form[data-send]")) {
  const progress = form.querySelector("[data-send-progress]");
  const errors = form.querySelector("[data-send-errors]");
  const buttons = () => form.querySelectorAll("button[type=submit]");

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open(form.method || "POST", form.action);
    request.responseType = "text";
    request.setRequestHeader("X-Requested-With", "telederm");
    buttons().forEach((b) => (b.disabled = true));
    if (progress) {
      progress.hidden = false;
      progress.value = 0;
      request.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable) progress.value = e.loaded / e.total;
      });
    }
    const done = () => {
      buttons().forEach((b) => (b.disabled = false));
      if (progress) progress.hidden = true;
    };
    request.addEventListener("load", () => {
      done();
      if (request.status >= 200 && request.status < 300) {
        window.location.assign(request.getResponseHeader("Location") || request.responseURL);
        return;
      }
      if (!errors) return;
      if (request.status === 422) {
        errors.innerHTML = request.responseText;
        markInvalid(errors);
        errors.querySelector("[tabindex]")?.focus();
      } else {
        // Refused for a reason the form cannot fix (the page is stale, the case moved on...):
        // say so; what was entered stays.
        errors.textContent = form.dataset.errorRefused ?? "";
      }
    });
    request.addEventListener("error", () => {
      done();
      if (errors) errors.textContent = form.dataset.errorNetwork ?? "";
    });
    request.send(new FormData(form));
  });
}
