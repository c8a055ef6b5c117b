// The legend under a chart: one item a series name or group, with its line or symbol (a
// model's line with its dash and marker: lineSwatch); a click (or Enter or Space: each item
// is a button, pressed while its series is shown) hides (or shows again) the series of that
// name or group.

function legend(el, items, toggle = null, hidden = new Set()) {
  // A toggle rebuilds the items: the one the keyboard pressed keeps the focus.
  const focused = [...el.children].indexOf(document.activeElement);
  el.replaceChildren(
    ...items.map((item) => {
      const span = document.createElement(toggle ? "button" : "span");
      span.className = "rnnviz-legend-item";
      span.style.cssText =
        // Size and colour from the legend's box (the widget sets them from the theme and scale).
        "margin-right:14px;white-space:nowrap;font:inherit;font-family:sans-serif;color:inherit;" +
        "cursor:pointer;background:none;border:none;padding:1px 2px;" +
        `opacity:${hidden.has(item.name) ? 0.4 : 1}`;
      if (toggle) {
        span.type = "button";
        span.setAttribute("aria-pressed", String(!hidden.has(item.name)));
        span.addEventListener("click", () => toggle(item.name));
      }
      const color = ink(item.color);
      const swatch =
        item.marker || Array.isArray(item.dash)
          ? lineSwatch({ ...item, color })
          : document.createElement("span");
      swatch.setAttribute("aria-hidden", "true");
      const line = item.symbol
        ? `color:${color};`
        : `border-top:2px ${item.dash === true ? "dashed" : item.dash || "solid"} ${color};`;
      const place = "display:inline-block;width:22px;margin-right:4px;vertical-align:middle;";
      if (swatch.tagName === "SPAN") {
        swatch.style.cssText = place + line;
        swatch.textContent = item.symbol || "";
      }
      span.append(swatch, item.name);
      return span;
    }),
  );
  if (focused >= 0) el.children[focused]?.focus();
}
