// Sending a case (or a reply) with its photos: progress while it uploads, and a failed send keeps
// everything entered, photos included (a plain form post would lose the chosen files).
//
// Markup contract: <form data-send data-error-network="..."> with a
// `<progress data-send-progress hidden>` and a `<div data-send-errors aria-live="assertive">`.
// On success the server answers with a redirect to the case page, which is then opened; on a
// refusal it answers 4xx with an HTML fragment of what to fix, shown in place. Without this module
// the form posts normally.

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
        // The redirect was followed: open the page it led to.
        window.location.assign(request.responseURL);
        return;
      }
      if (errors) {
        errors.innerHTML = request.responseText;
        errors.querySelector("[tabindex]")?.focus();
      }
    });
    request.addEventListener("error", () => {
      done();
      if (errors) errors.textContent = form.dataset.errorNetwork ?? "";
    });
    request.send(new FormData(form));
  });
}
