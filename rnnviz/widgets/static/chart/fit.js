// Fitting a chart to its container and to the screen's pixels. A spec is laid out in its own
// pixels (spec.width x spec.height, the kernel's layout); the canvas shows it scaled down to
// the width the notebook gives it (never up), and its backing store holds CSS size x
// devicePixelRatio pixels, read again before every draw, so a browser zoom or a move to
// another screen stays sharp and whole. Text keeps a floor in CSS pixels under the scaling.

// No on-screen text smaller than this, in CSS pixels, whatever the scale.
const MIN_TEXT_PX = 10;
// The current picture's scale (CSS px per spec px): draw() sets it before it paints.
const VIEW = { scale: 1 };

function fitScale(specWidth, available) {
  // The scale that fits a spec `specWidth` wide into `available` CSS px: at most 1 (a chart
  // never grows past its layout); an element not laid out yet (0 px) keeps the layout's size.
  if (!(available > 0) || !(specWidth > 0)) return 1;
  return Math.min(1, available / specWidth);
}

function fitCanvas(canvas, spec, scale, ratio) {
  // Sizes the canvas for `spec` at `scale` on a screen of `ratio` device px per CSS px
  // (changing nothing that already fits: resizing a canvas clears it); returns the
  // transform's [x, y] factors from spec px to backing-store px, exact at the edges so the
  // picture's right and bottom are drawn whole.
  const cssWidth = spec.width * scale,
    cssHeight = spec.height * scale;
  const width = Math.max(1, Math.round(cssWidth * ratio)),
    height = Math.max(1, Math.round(cssHeight * ratio));
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const w = `${cssWidth}px`,
    h = `${cssHeight}px`;
  if (canvas.style.width !== w) canvas.style.width = w;
  if (canvas.style.height !== h) canvas.style.height = h;
  return [width / spec.width, height / spec.height];
}

function textPx(px) {
  // A font size in spec px that shows at least MIN_TEXT_PX CSS px at the current scale.
  return Math.max(px, MIN_TEXT_PX / VIEW.scale);
}

function toSpec(canvas, spec, clientX, clientY) {
  // The pointer's position in spec px (what hover and frames use), at any scale.
  const box = canvas.getBoundingClientRect();
  return [
    ((clientX - box.left) * spec.width) / (box.width || spec.width),
    ((clientY - box.top) * spec.height) / (box.height || spec.height),
  ];
}

function watchFit(el, onChange) {
  // Calls onChange when `el`'s width or the screen's pixel ratio changes (a browser zoom
  // changes both; a move to another screen only the ratio); returns the function that stops.
  const observer = new ResizeObserver(onChange);
  observer.observe(el);
  let query = null;
  const listen = () => {
    query?.removeEventListener("change", changed);
    query = window.matchMedia?.(`(resolution: ${window.devicePixelRatio || 1}dppx)`) || null;
    query?.addEventListener("change", changed);
  };
  function changed() {
    listen();
    onChange();
  }
  listen();
  return () => {
    observer.disconnect();
    query?.removeEventListener("change", changed);
  };
}

// What a resize or zoom changes in a picture: its scale and the screen's pixel ratio.
const fitKey = (scale) => `${scale}|${window.devicePixelRatio || 1}`;

function watchPage(el, onFit, onTheme) {
  // Calls onFit on a resize or zoom, onTheme on a theme change; returns the function that
  // stops.
  const stops = [watchFit(el, onFit), watchTheme(onTheme)];
  return () => stops.forEach((stop) => stop());
}
