// The page's theme: the colours of text, axes, grid, background, tooltip and busy mark come
// from JupyterLab's theme variables (--jp-*) read on the widget's element, else VS Code's
// (--vscode-*, body.vscode-dark), else light (the HTML export, the static site). Text keeps
// WCAG's 4.5:1 against what it is drawn on: a colour that would not is moved towards the
// theme's foreground. Data colours (models, gates, colour scales) stay the kernel's.

const LIGHT = {
  text: "#222222",
  axis: "#444444",
  muted: "#666666",
  grid: "#ebebeb",
  border: "#999999",
  background: "#ffffff",
  tooltip: "#ffffff",
  busy: "#b00000",
  accent: "#1f77b4",
};
const DARK = {
  text: "#e6e6e6",
  axis: "#d0d0d0",
  muted: "#b0b0b0",
  grid: "#3a3a3a",
  border: "#777777",
  background: "#111111",
  tooltip: "#2b2b2b",
  busy: "#ff6b6b",
  accent: "#4ea3e0",
};
// WCAG 2 AA for normal text.
const MIN_CONTRAST = 4.5;
// The colours the current picture uses: draw() sets them from the widget's element before
// it paints (drawing is synchronous, so one picture never mixes two themes).
const THEME = { ...LIGHT };

// Each theme colour: the variables that may hold it, JupyterLab's first.
const THEME_VARIABLES = {
  text: ["--jp-ui-font-color1", "--jp-content-font-color1", "--vscode-editor-foreground"],
  axis: ["--jp-ui-font-color1", "--vscode-editor-foreground"],
  muted: ["--jp-ui-font-color2", "--vscode-descriptionForeground"],
  grid: ["--jp-border-color2", "--vscode-editorWidget-border"],
  border: ["--jp-border-color1", "--vscode-editorWidget-border"],
  background: ["--jp-layout-color0", "--vscode-editor-background"],
  tooltip: ["--jp-layout-color1", "--vscode-editorHoverWidget-background"],
  busy: ["--jp-error-color1", "--vscode-errorForeground"],
  accent: ["--jp-brand-color1", "--vscode-focusBorder"],
};

const colorCache = new Map();
function rgbaOf(color) {
  // [r, g, b, a] of any CSS colour (names, #rgb, rgb(), hsl()...), or null if it is none:
  // the canvas parses it as the page would.
  if (typeof color !== "string" || !color.trim()) return null;
  if (!colorCache.has(color)) {
    const ctx = rgbaOf.ctx || (rgbaOf.ctx = document.createElement("canvas").getContext("2d"));
    let parsed = null;
    for (const sentinel of ["#010203", "#040506"]) {
      // An invalid colour leaves fillStyle as it was: two sentinels tell it from a real one.
      ctx.fillStyle = sentinel;
      ctx.fillStyle = color.trim();
      if (ctx.fillStyle !== sentinel) parsed = parseColor(ctx.fillStyle);
    }
    colorCache.set(color, parsed);
  }
  return colorCache.get(color);
}

function over(color, background) {
  // The opaque colour a translucent one shows over `background` ([r, g, b, a] arrays).
  const a = color[3];
  return [0, 1, 2].map((i) => a * color[i] + (1 - a) * background[i]).concat(1);
}

function luminance([r, g, b]) {
  // WCAG 2 relative luminance of an sRGB colour.
  const lin = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function contrast(foreground, background) {
  // WCAG 2 contrast ratio (1 to 21) of two CSS colours; a translucent foreground is taken
  // over the background, a translucent background over white.
  const bg = over(rgbaOf(background) || [255, 255, 255, 1], [255, 255, 255, 1]);
  const fg = over(rgbaOf(foreground) || [0, 0, 0, 1], bg);
  const a = luminance(fg),
    b = luminance(bg);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

const readableCache = new Map();
function readable(color, background, min = MIN_CONTRAST) {
  // `color`, or the nearest mix of it towards black or white (whichever the background is
  // further from) that keeps `min` contrast against `background`: a model's colour stays
  // recognisable as text on either theme.
  const key = `${color}|${background}|${min}`;
  if (readableCache.has(key)) return readableCache.get(key);
  let answer = color;
  const bg = over(rgbaOf(background) || [255, 255, 255, 1], [255, 255, 255, 1]);
  const fg = rgbaOf(color);
  if (fg && contrast(color, background) < min) {
    const base = over(fg, bg),
      target = luminance(bg) > 0.18 ? [0, 0, 0] : [255, 255, 255];
    for (let k = 1; k <= 20; k++) {
      const w = k / 20,
        mixed = base.slice(0, 3).map((v, i) => Math.round(v + w * (target[i] - v)));
      answer = `rgb(${mixed.join(",")})`;
      if (contrast(answer, background) >= min) break;
    }
  }
  readableCache.set(key, answer);
  return answer;
}

// Below this contrast with the background a line or mark all but vanishes (#222 on #111 is
// 1.1:1); model and gate colours stay above it in both themes.
const INK_MIN_CONTRAST = 1.6;
function themed(color) {
  // On a dark theme, a colour the kernel gave a dark counterpart (spec.dark_colors, from
  // rnnviz.style.DARK_COLORS: a model's line, a gate's) is drawn in it.
  return (THEME.dark && THEME.darkColors?.[color]) || color;
}

function ink(color) {
  // A line or mark in the theme's version of its colour (themed); one meant as black or
  // near-black (the overflow marker, "no clipping", a control's step line) is the theme's
  // foreground where it would vanish on the background.
  color = themed(color);
  const c = rgbaOf(color);
  if (!c || c[3] < 1) return color;
  return contrast(color, THEME.background) < INK_MIN_CONTRAST ? THEME.text : color;
}

function isDarkPage() {
  // JupyterLab says so on the body; VS Code's notebooks by a body class.
  const body = document.body;
  if (!body) return false;
  if (body.dataset.jpThemeLight) return body.dataset.jpThemeLight === "false";
  return /\bvscode-(dark|high-contrast)\b/.test(body.className) && !/light/.test(body.className);
}

function readTheme(el) {
  // The theme's colours as read on `el` (its CSS variables), with fallbacks, each text
  // colour made readable on the background.
  const css = el && el.isConnected ? getComputedStyle(el) : null;
  const value = (names) => {
    for (const name of names) {
      const v = css && css.getPropertyValue(name).trim();
      if (v && rgbaOf(v)) return v;
    }
    return null;
  };
  const background = value(THEME_VARIABLES.background);
  // Unset variables fall back to the palette the background (or the page) asks for.
  const dark = background ? luminance(rgbaOf(background)) < 0.18 : isDarkPage();
  const base = dark ? DARK : LIGHT;
  const theme = {};
  for (const [name, names] of Object.entries(THEME_VARIABLES))
    theme[name] = value(names) || base[name];
  // A translucent page background (rare) is painted opaque: the canvas is a picture.
  theme.background = `rgb(${over(rgbaOf(theme.background), dark ? [0, 0, 0, 1] : [255, 255, 255, 1])
    .slice(0, 3)
    .join(",")})`;
  for (const name of ["text", "axis", "muted", "busy"])
    theme[name] = readable(theme[name], theme.background);
  theme.tooltipText = readable(theme.text, theme.tooltip);
  theme.dark = dark;
  return theme;
}

function useTheme(theme) {
  Object.assign(THEME, theme);
  return THEME;
}

function themeMarks() {
  // What on the body says which theme is on: JupyterLab's theme attributes, VS Code's
  // `vscode-*` classes and the CSS variables on the body's style and the root's (JupyterLab
  // writes its font sizes there: Settings > Theme > Increase UI Font Size). Not the rest:
  // JupyterLab also sets a class and the cursor on the body while a panel is dragged.
  const body = document.body;
  if (!body) return "";
  const vars = [document.documentElement, body].flatMap((el) =>
    Array.from(el.style)
      .filter((name) => name.startsWith("--"))
      .map((name) => `${name}:${el.style.getPropertyValue(name)}`),
  );
  const classes = Array.from(body.classList).filter((name) => name.startsWith("vscode-"));
  return [body.dataset.jpThemeName, body.dataset.jpThemeLight, ...classes, ...vars].join("|");
}

function watchTheme(onChange) {
  // Calls onChange when the page's theme changes (themeMarks, the user's colour scheme);
  // returns the function that stops watching.
  let marks = themeMarks();
  const observer = new MutationObserver(() => {
    const now = themeMarks();
    if (now === marks) return;
    marks = now;
    onChange();
  });
  if (document.body)
    observer.observe(document.body, {
      attributes: true,
      attributeFilter: ["data-jp-theme-name", "data-jp-theme-light", "class", "style"],
    });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ["style"] });
  const scheme = window.matchMedia?.("(prefers-color-scheme: dark)");
  scheme?.addEventListener?.("change", onChange);
  return () => {
    observer.disconnect();
    scheme?.removeEventListener?.("change", onChange);
  };
}

function styleChrome({ tip, busy, keys }, scale, last) {
  // The tooltip, busy mark and legend box in the current theme's colours, their text
  // following the scale down to the floor (fit.js); returns the style's key, and changes
  // nothing when it is `last`. The key holds the pixel ratio too: the widget draws the
  // legend's swatches (swatch.js) again when it changes, so a zoom keeps them sharp.
  const size = `${Math.max(MIN_TEXT_PX, 12 * scale)}px`;
  const key = [size, THEME.axis, THEME.text, THEME.tooltip, THEME.border, THEME.busy]
    .concat(window.devicePixelRatio || 1)
    .join();
  if (key === last) return key;
  Object.assign(tip.style, {
    fontSize: size,
    color: THEME.tooltipText,
    background: THEME.tooltip,
    borderColor: THEME.border,
  });
  Object.assign(busy.style, { fontSize: size, color: THEME.busy });
  Object.assign(keys.style, { fontSize: size, color: THEME.axis });
  return key;
}
