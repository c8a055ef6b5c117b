// "image" (AttentionViewer): an RGB frame (H, W, 3 values 0..255) under an optional
// overlay: a coarse grid of cells coloured through an rgba scale (a heat map that lets the
// image show), with one cell outlined. The hover reads the overlay's cell.

const cellBox = (fr, size, row, col) => {
  const [l, t, w, h] = fr.box,
    cw = w / size[1],
    ch = h / size[0];
  return [l + col * cw, t + row * ch, cw, ch];
};
const bound = (b, read) => (typeof b === "string" ? (read(b) || [NaN])[0] : b);

function drawImage(ctx, panel, fr, read) {
  const [l, t, w, h] = fr.box,
    [H, W] = panel.size,
    px = read(panel.image);
  if (px) {
    const off = document.createElement("canvas");
    off.width = W;
    off.height = H;
    const octx = off.getContext("2d"),
      img = octx.createImageData(W, H);
    for (let k = 0; k < W * H; k++) {
      img.data[4 * k] = px[3 * k];
      img.data[4 * k + 1] = px[3 * k + 1];
      img.data[4 * k + 2] = px[3 * k + 2];
      img.data[4 * k + 3] = 255;
    }
    octx.putImageData(img, 0, 0);
    ctx.save();
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off, l, t, w, h);
    ctx.restore();
  }
  const o = panel.overlay,
    v = o && read(o.data);
  if (v) {
    const lo = bound(o.crange[0], read),
      hi = bound(o.crange[1], read);
    ctx.globalAlpha = o.opacity ?? 1;
    for (let r = 0; r < o.size[0]; r++) {
      for (let c = 0; c < o.size[1]; c++) {
        const u = v[r * o.size[1] + c];
        if (!Number.isFinite(u)) continue; // no colour: the image shows through
        // Whole-pixel edges shared by neighbours: translucent cells must not overlap.
        const [x, y] = cellBox(fr, o.size, r, c).map(Math.round);
        const [x1, y1] = cellBox(fr, o.size, r + 1, c + 1).map(Math.round);
        ctx.fillStyle = scaleColor(o.colorscale, (u - lo) / (hi - lo));
        ctx.fillRect(x, y, x1 - x, y1 - y);
      }
    }
    ctx.globalAlpha = 1;
    if (o.colorbar) {
      colorBar(ctx, o.colorscale, fr.box, [lo, hi], {
        title: o.colorbar,
        width: 12,
        outline: "#ccc",
        ticks: "nice",
        format: ".2g",
        title_x: 56,
      });
    }
  }
  const q = panel.outline,
    at = q && read(q.data);
  if (at && o) {
    const [x, y, cw, ch] = cellBox(fr, o.size, at[0], at[1]);
    ctx.strokeStyle = q.color;
    ctx.lineWidth = q.width ?? 2;
    ctx.strokeRect(x, y, cw, ch);
  }
}

function hoverImage(panel, fr, read, x, y) {
  const o = panel.overlay,
    v = o && read(o.data);
  if (!v) return "";
  const c = Math.floor(((x - fr.box[0]) / fr.box[2]) * o.size[1]),
    r = Math.floor(((y - fr.box[1]) / fr.box[3]) * o.size[0]);
  if (r < 0 || r >= o.size[0] || c < 0 || c >= o.size[1]) return "";
  return `${o.value_label || ""}${format(v[r * o.size[1] + c], o.hover || ".3g")}`;
}

const imagePanel = { draw: drawImage, hover: hoverImage };
