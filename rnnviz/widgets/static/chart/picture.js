// The picture: every panel kind by name, and the whole canvas drawn for the controls'
// current values (the view in widget.js calls it on every change).

// One entry a kind: draw(ctx, panel, frame, read, state, shared ranges) paints the panel;
// hover(panel, frame, read, x, y, state) returns the text under the pointer; a kind may add
// table(panel, frame, read), its data as {head, rows} for Describe, or null. A new kind is
// one file in panels/ (listed in front_end.CHART_FILES) and one entry here.
const PANELS = {
  xy: xyPanel,
  bars: barsPanel,
  hbars: hbarsPanel,
  heatmap: heatmapPanel,
  image: imagePanel,
  text: textPanel,
  chars: charsPanel,
  graph: graphPanel,
};

function draw(canvas, spec, read, state, { scale = 1, theme = null } = {}) {
  // The whole picture on the canvas, at `scale` CSS px per spec px (fit.js) and the screen's
  // current pixel ratio, in `theme`'s colours (theme.js; default: read on the canvas);
  // returns each panel's Frame (null: hidden) for hover.
  VIEW.scale = scale;
  useTheme(theme || readTheme(canvas));
  const [sx, sy] = fitCanvas(canvas, spec, scale, window.devicePixelRatio || 1);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(sx, 0, 0, sy, 0, 0);
  ctx.clearRect(0, 0, spec.width, spec.height);
  ctx.fillStyle = THEME.background;
  ctx.fillRect(0, 0, spec.width, spec.height);
  const shared = sharedRanges(spec, read),
    frames = [];
  if (spec.title)
    write(ctx, fillTemplate(titleText(spec, state), read), spec.width / 2, 16, {
      font: fontOf(14),
    });
  for (const panel of spec.panels) {
    if (panel.visible === false) {
      frames.push(null);
      continue;
    }
    const fr = new Frame(panel.box, xRange(panel, read), yRange(panel, read, shared));
    frames.push(fr);
    drawAxes(ctx, panel, fr);
    if (panel.title)
      write(ctx, fillTemplate(panel.title, read), fr.box[0] + fr.box[2] / 2, fr.box[1] - 12, {
        font: fontOf(13),
      });
    PANELS[panel.kind].draw(ctx, panel, fr, read, state, shared);
    if (panel.marks) drawMarks(ctx, panel, fr, state);
  }
  return frames;
}
