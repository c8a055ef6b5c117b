// "labelled_bars" (AttentionViewer): a bars panel whose category names and bar colours are
// labels entries (pickLabel), so they change with the controls; a long name is written on
// two lines, split at its last space.

function labelledBars(panel, state) {
  // The bars panel for the controls' current values: categories and colours picked.
  return {
    ...panel,
    categories: pickLabel(panel.categories, state),
    series: panel.series.map((s) =>
      s.color && s.color.axes ? { ...s, color: pickLabel(s.color, state) } : s,
    ),
  };
}

function drawLabelledBars(ctx, panel, fr, read, state) {
  const p = labelledBars(panel, state),
    n = p.categories.length,
    slot = fr.box[2] / n;
  drawBars(ctx, { ...p, categories: p.categories.map(() => "") }, fr, read);
  p.categories.forEach((name, i) => {
    const cut = name.lastIndexOf(" "),
      x = fr.box[0] + (i + 0.5) * slot,
      y = fr.box[1] + fr.box[3] + 12;
    if (cut < 0) write(ctx, name, x, y);
    else {
      write(ctx, name.slice(0, cut), x, y);
      write(ctx, name.slice(cut + 1), x, y + 14);
    }
  });
}

const labelledBarsPanel = {
  draw: drawLabelledBars,
  hover: (panel, fr, read, x, y, state) => hoverBars(labelledBars(panel, state), fr, read, x),
};
