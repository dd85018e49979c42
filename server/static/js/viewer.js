// The photo viewer of a taken case, over the vendored Panzoom (window.Panzoom).
//
// Each pane (`[data-viewer-pane]`) holds every photo of the case (`img[data-viewer-image]`, with
// its width and height in pixels as attributes) and shows the one its select names. An image is
// laid out at its own pixel size and zoomed by a transform: at "1:1" one pixel of the stored photo
// is one pixel of the screen (the scale is 1 / devicePixelRatio), nothing downscaled or
// re-encoded. Zoom: wheel, pinch, buttons, keys (+ - 0 1, arrows to pan), up to 800 %. "Compare"
// opens the second pane; the two panes' zoom and pan move together. Panzoom keeps its state at
// once and paints it on the next animation frame.

const MAX_SCALE = 8;
const STEP = 1.25;

const viewer = document.querySelector("[data-viewer]");

if (viewer && window.Panzoom) {
  const panes = [...viewer.querySelectorAll("[data-viewer-pane]")].map((pane) => ({ pane }));
  const scaleOut = viewer.querySelector("[data-viewer-scale]");
  const compare = viewer.querySelector("[data-viewer-compare]");
  const zooms = new Map();
  let linking = false;
  // What the person asked for last: fit and 1:1 are kept when the window changes size.
  let mode = "fit";

  const actual = () => 1 / (window.devicePixelRatio || 1);
  const visibleImage = (p) => p.pane.querySelector("img[data-viewer-image]:not([hidden])");
  const stage = (p) => p.pane.querySelector("[data-viewer-stage]");
  const shown = (p) => !p.pane.hidden;
  // The stored photo's own size, in pixels (the attributes the server wrote).
  const size = (img) => ({ w: Number(img.getAttribute("width")), h: Number(img.getAttribute("height")) });

  // The scale at which the whole photo fits its stage (never above 1:1).
  const fitScale = (p) => {
    const { w, h } = size(visibleImage(p));
    const box = stage(p).getBoundingClientRect();
    return Math.min(box.width / w, box.height / h, actual());
  };

  // With origin 0 0 the transform is scale(s) translate(x, y), x and y in photo pixels: the
  // translation that centres the photo in its stage at scale s.
  const centre = (p, scale) => {
    const { w, h } = size(visibleImage(p));
    const box = stage(p).getBoundingClientRect();
    return { x: (box.width / scale - w) / 2, y: (box.height / scale - h) / 2 };
  };

  const report = () => {
    const scale = zoomOf(panes[0]).getScale() / actual();
    if (scaleOut) scaleOut.value = `${Math.round(scale * 100)} %`;
  };

  // The other shown pane takes this one's zoom and pan, without echoing back.
  const follow = (from) => {
    if (linking) return;
    linking = true;
    const { x, y } = zoomOf(from).getPan();
    const scale = zoomOf(from).getScale();
    for (const p of panes) {
      if (p === from || !shown(p)) continue;
      zoomOf(p).zoom(scale, { animate: false, force: true, silent: true });
      zoomOf(p).pan(x, y, { animate: false, force: true, silent: true });
    }
    linking = false;
    report();
  };

  // One Panzoom per image, for every image at once: each, once made, pans back to its start
  // values on the next turn of the event loop, so the first view is set after that (below).
  for (const p of panes) {
    for (const img of p.pane.querySelectorAll("img[data-viewer-image]")) {
      const zoom = window.Panzoom(img, {
        origin: "0 0",
        maxScale: MAX_SCALE * actual(),
        minScale: 0.02,
        cursor: "grab",
      });
      zooms.set(img, zoom);
      // Only the photo in view leads (a hidden one's late events must not move the others).
      img.addEventListener("panzoomchange", () => {
        if (shown(p) && img === visibleImage(p)) follow(p);
      });
    }
  }
  const zoomOf = (p) => zooms.get(visibleImage(p));

  const show = (p, scale) => {
    const { x, y } = centre(p, scale);
    zoomOf(p).zoom(scale, { animate: false, force: true });
    zoomOf(p).pan(x, y, { animate: false, force: true });
  };

  // Zoom the first pane by `factor` about its stage's centre.
  const zoomBy = (factor) => {
    mode = "free";
    const p = panes[0];
    const box = stage(p).getBoundingClientRect();
    const point = { clientX: box.left + box.width / 2, clientY: box.top + box.height / 2 };
    zoomOf(p).zoomToPoint(zoomOf(p).getScale() * factor, point, { animate: false });
    follow(p);
  };

  const refit = () => {
    if (mode === "free") return;
    show(panes[0], mode === "fit" ? fitScale(panes[0]) : actual());
    follow(panes[0]);
  };

  for (const p of panes) {
    stage(p).addEventListener("wheel", (event) => {
      mode = "free";
      zoomOf(p).zoomWithWheel(event);
    });
    stage(p).addEventListener("pointerdown", () => (mode = "free"));
    stage(p).addEventListener("keydown", (event) => {
      const moves = { ArrowLeft: [1, 0], ArrowRight: [-1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
      const move = moves[event.key];
      if (!move) return;
      event.preventDefault();
      mode = "free";
      const step = 40 / zoomOf(p).getScale();
      const { x, y } = zoomOf(p).getPan();
      zoomOf(p).pan(x + move[0] * step, y + move[1] * step, { animate: false });
    });
    p.pane.querySelector("[data-viewer-select]").addEventListener("change", (event) => {
      const chosen = event.target.value;
      for (const el of p.pane.querySelectorAll("[data-viewer-image], [data-viewer-caption]")) {
        el.hidden = (el.dataset.viewerImage ?? el.dataset.viewerCaption) !== chosen;
      }
      // The new photo takes the other pane's view when comparing, else it is fitted.
      const other = panes.find((o) => o !== p && shown(o));
      if (other) follow(other);
      else {
        mode = "fit";
        refit();
      }
    });
  }

  viewer.querySelector("[data-viewer-fit]")?.addEventListener("click", () => {
    mode = "fit";
    refit();
  });
  viewer.querySelector("[data-viewer-actual]")?.addEventListener("click", () => {
    mode = "actual";
    refit();
  });
  viewer.querySelector("[data-viewer-zoom-in]")?.addEventListener("click", () => zoomBy(STEP));
  viewer.querySelector("[data-viewer-zoom-out]")?.addEventListener("click", () => zoomBy(1 / STEP));
  compare?.addEventListener("click", () => {
    const second = panes[1];
    second.pane.hidden = !second.pane.hidden;
    compare.setAttribute("aria-pressed", String(shown(second)));
    viewer.classList.toggle("comparing", shown(second));
    // The stages changed size: fit again, the second pane following the first.
    mode = "fit";
    refit();
  });
  viewer.querySelector("[data-viewer-fullscreen]")?.addEventListener("click", () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else viewer.requestFullscreen?.();
  });
  document.addEventListener("fullscreenchange", refit);
  window.addEventListener("resize", refit);

  setTimeout(() => {
    mode = "fit";
    refit();
    // Set up (the browser tests wait for it).
    viewer.dataset.ready = "";
  });
}
