// Photos of a case form, checked as soon as they are chosen.
//
// Markup contract (the templates render it; every word shown comes from the server, in the
// page's language):
//   <div data-photo-slots data-check-url="/cases/photos/check" data-error-network="...">
//     <div class="photo-slot" data-photo-slot>
//       <input type="file" name="photo" ...>           the photo (camera or gallery)
//       <select name="kind"> or radios                  overview / closeup / dermoscopy
//       <progress data-progress hidden></progress>      upload progress
//       <div data-check-result aria-live="polite"></div> the server's verdict, as HTML
//     </div>
//   </div>
//   <template id="photo-slot-template"> one empty slot </template>
//   <button type="button" data-add-photo> add a photo </button>
// The form carries the page's CSRF token in `data-csrf`, sent as `X-CSRF-Token`. Without this
// module the form still works: the photos are checked when the case is sent.

const slots = document.querySelector("[data-photo-slots]");

if (slots) {
  const checkUrl = slots.dataset.checkUrl;
  const form = slots.closest("form");

  const csrf = () => form?.dataset.csrf ?? "";

  const kindOf = (slot) => {
    const select = slot.querySelector("select[name=kind]");
    if (select) return select.value;
    const radio = slot.querySelector("input[type=radio]:checked");
    return radio ? radio.value : "";
  };

  // Upload the chosen file to the page's check route and show the verdict the server rendered.
  const check = (slot, file) => {
    const result = slot.querySelector("[data-check-result]");
    const progress = slot.querySelector("[data-progress]");
    const preview = slot.querySelector("img[data-preview]");
    // `data-checked` (ok, refused) is the verdict of the photo now chosen, and only of it.
    delete slot.dataset.checked;
    result.textContent = "";
    if (preview) {
      if (preview.src.startsWith("blob:")) URL.revokeObjectURL(preview.src);
      // Shown once the browser can draw it (it cannot draw a HEIC, for one).
      preview.hidden = true;
      preview.onload = () => (preview.hidden = slot.dataset.checked === "refused");
      preview.src = URL.createObjectURL(file);
    }
    // One part named by the photo's kind, as the API's check takes it.
    const body = new FormData();
    body.append(kindOf(slot) || "overview", file);
    const request = new XMLHttpRequest();
    request.open("POST", checkUrl);
    request.responseType = "text";
    request.setRequestHeader("X-CSRF-Token", csrf());
    if (progress) {
      progress.hidden = false;
      progress.value = 0;
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) progress.value = event.loaded / event.total;
      });
    }
    request.addEventListener("load", () => {
      if (progress) progress.hidden = true;
      // 200: checked (with warnings, perhaps); 4xx: refused, with what to do. Both are HTML
      // fragments rendered by the server.
      result.innerHTML = request.responseText;
      slot.dataset.checked = request.status === 200 ? "ok" : "refused";
      // A refused photo is not shown as if it were going to be sent.
      if (preview && request.status !== 200) preview.hidden = true;
    });
    request.addEventListener("error", () => {
      if (progress) progress.hidden = true;
      result.textContent = slots.dataset.errorNetwork ?? "";
      slot.dataset.checked = "";
    });
    request.send(body);
  };

  slots.addEventListener("change", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file") return;
    const slot = input.closest("[data-photo-slot]");
    if (slot && input.files && input.files[0]) check(slot, input.files[0]);
  });

  // A slot per photo: the GP adds them one by one.
  const template = document.getElementById("photo-slot-template");
  const add = document.querySelector("[data-add-photo]");
  if (template && add) {
    add.addEventListener("click", () => {
      const count = slots.querySelectorAll("[data-photo-slot]").length;
      const slot = template.content.firstElementChild.cloneNode(true);
      // Ids and radio groups must be unique per slot.
      slot.querySelectorAll("[id]").forEach((el) => (el.id = `${el.id}-${count}`));
      slot.querySelectorAll("label[for]").forEach((el) => (el.htmlFor = `${el.htmlFor}-${count}`));
      slot.querySelectorAll("input[type=radio]").forEach((el) => (el.name = `${el.name}-${count}`));
      slots.appendChild(slot);
      slot.querySelector("input[type=file]")?.focus();
    });
  }
}
