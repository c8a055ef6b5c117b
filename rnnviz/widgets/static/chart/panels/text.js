// "text" (AttentionViewer): lines of words, each a string or a labels entry (pickLabel);
// **...** is bold (the marked word). It has nothing to hover.

function drawText(ctx, panel, fr, read, state) {
  const size = panel.font_size || 13,
    [l, t] = fr.box;
  panel.lines.forEach((line, k) => {
    let x = l;
    String(pickLabel(line, state) ?? "")
      .split("**")
      .forEach((run, i) => {
        const font = fontOf(size, i % 2 ? "bold " : "");
        write(ctx, run, x, t + (k + 0.5) * size * 1.45, { align: "left", font });
        ctx.font = font;
        x += ctx.measureText(run).width;
      });
  });
}

const textPanel = { draw: drawText, hover: () => "" };
