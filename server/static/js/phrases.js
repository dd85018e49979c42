// Saved phrases: a button `data-phrase="..."` inside `[data-phrases="#report"]` inserts its
// phrase where the cursor is in that field (at its end when it has not been focused), on a line
// of its own.

for (const box of document.querySelectorAll("[data-phrases]")) {
  const field = document.querySelector(box.dataset.phrases);
  if (!field) continue;
  box.addEventListener("click", (event) => {
    const button = event.target.closest("[data-phrase]");
    if (!button) return;
    const phrase = button.dataset.phrase;
    const at = field.selectionStart ?? field.value.length;
    const before = field.value.slice(0, at);
    const after = field.value.slice(field.selectionEnd ?? at);
    const lead = before && !before.endsWith("\n") ? "\n" : "";
    field.value = `${before}${lead}${phrase}${after}`;
    const caret = before.length + lead.length + phrase.length;
    field.focus();
    field.setSelectionRange(caret, caret);
  });
}
