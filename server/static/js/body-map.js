// The body map: a region clicked (or chosen with Enter or Space) writes its name into the body
// site field, which stays editable ("left forearm" can become "left forearm, inner side").
//
// Markup contract: <figure class="body-map" data-body-map="#body_site"> with SVG shapes
// `.region[data-site="..."][tabindex=0][role=button][aria-label="..."]`. Without this module the
// field is typed.

for (const map of document.querySelectorAll("[data-body-map]")) {
  const field = document.querySelector(map.dataset.bodyMap);
  if (!field) continue;

  const choose = (region) => {
    map.querySelectorAll(".region.chosen").forEach((r) => r.classList.remove("chosen"));
    region.classList.add("chosen");
    field.value = region.dataset.site;
    field.dispatchEvent(new Event("input", { bubbles: true }));
  };

  map.addEventListener("click", (event) => {
    const region = event.target.closest?.(".region[data-site]");
    if (region) choose(region);
  });

  map.addEventListener("keydown", (event) => {
    const region = event.target.closest?.(".region[data-site]");
    if (region && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      choose(region);
    }
  });
}
