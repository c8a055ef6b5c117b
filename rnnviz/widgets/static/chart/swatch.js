// A legend swatch that says a series the way the chart draws it: its colour, its dash and
// its marker, so that a model is told apart without its colour (rnnviz.style's
// MODEL_DASHES and MODEL_SYMBOLS).

const SWATCH_WIDTH = 30,
  SWATCH_HEIGHT = 12;

function lineSwatch(item) {
  const canvas = document.createElement("canvas");
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(SWATCH_WIDTH * ratio);
  canvas.height = Math.round(SWATCH_HEIGHT * ratio);
  canvas.className = "rnnviz-legend-swatch";
  canvas.style.cssText =
    `width:${SWATCH_WIDTH}px;height:${SWATCH_HEIGHT}px;` +
    "display:inline-block;margin-right:4px;vertical-align:middle;";
  const ctx = canvas.getContext("2d");
  ctx.scale(ratio, ratio);
  const y = SWATCH_HEIGHT / 2;
  ctx.strokeStyle = item.color;
  ctx.lineWidth = 2;
  ctx.setLineDash(item.dash === true ? [6, 3] : item.dash || []);
  ctx.beginPath();
  ctx.moveTo(0, y);
  ctx.lineTo(SWATCH_WIDTH, y);
  ctx.stroke();
  ctx.setLineDash([]);
  if (item.marker) marker(ctx, item.marker, SWATCH_WIDTH / 2, y, 8, item.color);
  return canvas;
}
