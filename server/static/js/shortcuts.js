// Keyboard shortcuts, declared in the markup: an element with `data-shortcut="n"` is clicked
// (a button) or focused (a field) when that key is pressed, unless the person is typing in a
// field. The page lists its shortcuts in words.

const typing = (target) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  const key = event.key === "=" ? "+" : event.key === "_" ? "-" : event.key;
  const target = document.querySelector(`[data-shortcut="${CSS.escape(key)}"]`);
  if (!target || target.closest("[hidden]")) return;
  event.preventDefault();
  if (target.matches("button, a")) target.click();
  else target.focus();
});
