// Predict (rnnviz/widgets/predict.py): a committed guess, then the measured answer.
// The answer comes masked in the "reveal" entry (JSON bytes XORed with spec.predict.key): no
// text in the page holds it until Check is pressed. The press locks the control, unmasks,
// writes the answer, the distance to the guess and the explanation, and tells the kernel.
function unmask(bytes, hexKey) {
  const key = hexKey.match(/../g).map((h) => parseInt(h, 16));
  const plain = Uint8Array.from(bytes, (b, i) => b ^ key[i % key.length]);
  return JSON.parse(new TextDecoder().decode(plain));
}

function predictValue(p, position) {
  // A slider position 0..steps -> the value: evenly spaced, or evenly in log10 if p.log.
  const u = position / p.steps;
  if (u <= 0) return p.low; // the ends exactly: 10 ** log10(high) may round past high
  if (u >= 1) return p.high;
  return p.log
    ? 10 ** (Math.log10(p.low) + u * (Math.log10(p.high) - Math.log10(p.low)))
    : p.low + u * (p.high - p.low);
}

function predictPosition(p, value) {
  const u = p.log
    ? (Math.log10(value) - Math.log10(p.low)) / (Math.log10(p.high) - Math.log10(p.low))
    : (value - p.low) / (p.high - p.low);
  return Math.round(u * p.steps);
}

function revealText(p, secret, guess) {
  // The words shown after Check; `guess` is a value (numbers) or an index (choices).
  const unit = p.unit ? ` ${p.unit}` : "";
  if (p.kind === "choice") {
    const verdict = guess === secret.answer ? "right" : `not quite: you chose ${p.choices[guess]}`;
    return [`Measured: ${secret.text}${unit} (${verdict}).`, secret.explanation];
  }
  const off = p.log
    ? `off by a factor of ${format(Math.max(guess / secret.answer, secret.answer / guess), ".3g")}`
    : `off by ${format(Math.abs(guess - secret.answer), p.fmt)}${unit}`;
  return [
    `Measured: ${secret.text}${unit}. Your prediction: ${format(guess, p.fmt)}${unit}, ${off}.`,
    secret.explanation,
  ];
}

// A disabled button that also looks disabled: JupyterLab's jupyter-button style does not
// dim one, so a pressed Check would still look pressable.
function setEnabled(button, on) {
  button.disabled = !on;
  button.style.opacity = on ? "" : "0.5";
  button.style.cursor = on ? "" : "default";
}

function renderPredict({ model, el }) {
  const root = document.createElement("div");
  root.className = "rnnviz-predict";
  // As wide as the notebook allows (up to its layout's width); its colours are the theme's,
  // read again when the theme changes.
  root.style.cssText =
    `max-width:min(100%, ${model.get("spec").width}px);box-sizing:border-box;` +
    "font:13px sans-serif;padding:6px 8px;border-left:3px solid";
  const p = model.get("spec").predict;
  const question = document.createElement("div");
  question.textContent = p.question;
  question.style.cssText = "font-weight:bold;margin-bottom:6px";
  const row = document.createElement("div");
  row.style.cssText = "display:flex;align-items:center;flex-wrap:wrap;gap:6px";
  const check = document.createElement("button");
  check.className = "rnnviz-predict-check jupyter-button";
  check.textContent = "Check";
  const reveal = document.createElement("div");
  reveal.className = "rnnviz-predict-reveal";
  reveal.setAttribute("role", "status");
  reveal.setAttribute("aria-live", "polite");
  reveal.style.cssText = "margin-top:6px;white-space:pre-wrap";
  let guess,
    inputs = [];
  if (p.kind === "choice") {
    guess = null;
    setEnabled(check, false); // until a choice is made
    p.choices.forEach((label, k) => {
      const b = document.createElement("button");
      b.className = "rnnviz-predict-choice jupyter-button";
      b.textContent = label;
      b.setAttribute("aria-pressed", "false");
      b.addEventListener("click", () => {
        guess = k;
        inputs.forEach((o, j) => {
          o.setAttribute("aria-pressed", String(j === k));
          o.style.fontWeight = j === k ? "bold" : "";
        });
        setEnabled(check, true);
      });
      inputs.push(b);
    });
    row.append(...inputs, check);
  } else {
    const input = document.createElement("input");
    Object.assign(input, {
      type: "range",
      min: 0,
      max: p.steps,
      step: 1,
      className: "rnnviz-predict-slider",
    });
    input.value = predictPosition(p, p.value);
    input.setAttribute("aria-label", p.question);
    input.setAttribute("data-lm-suppress-shortcuts", "true");
    input.style.cssText = "width:260px;max-width:100%;min-width:120px;flex:0 1 260px";
    const readout = document.createElement("span");
    readout.className = "rnnviz-predict-readout";
    readout.style.minWidth = "80px";
    const show = () => {
      guess = predictValue(p, Number(input.value));
      readout.textContent = `${format(guess, p.fmt)}${p.unit ? ` ${p.unit}` : ""}`;
      // A screen reader reads the guess as shown, not the slider's position.
      input.setAttribute("aria-valuetext", readout.textContent);
    };
    input.addEventListener("input", show);
    show();
    inputs = [input];
    const scale = document.createElement("span");
    scale.className = "rnnviz-predict-scale";
    scale.textContent = p.log ? "(log scale)" : "";
    row.append(input, readout, scale, check);
  }
  function revealWith(value) {
    if (reveal.textContent) return;
    if (p.kind === "number") {
      guess = value;
      inputs[0].value = predictPosition(p, value);
    } else guess = value;
    inputs.forEach((o) => {
      o.disabled = true;
    });
    setEnabled(check, false);
    const entry = model.get("data").reveal,
      dv = entry.values;
    const secret = unmask(new Uint8Array(dv.buffer, dv.byteOffset, dv.byteLength), p.key);
    const [first, explanation] = revealText(p, secret, value);
    const head = document.createElement("div");
    head.className = "rnnviz-predict-answer";
    head.style.fontWeight = "bold";
    head.textContent = first;
    const why = document.createElement("div");
    why.className = "rnnviz-predict-explanation";
    why.textContent = explanation;
    reveal.replaceChildren(head, why);
  }
  check.addEventListener("click", () => {
    if (guess === null) return;
    const value = guess;
    revealWith(value);
    model.send({ event: "predict", prediction: value });
  });
  // Another view of the same widget (or the kernel) committed: reveal here too.
  model.on("change:spec", () => {
    const committed = model.get("spec").predict?.committed;
    if (committed !== null && committed !== undefined) revealWith(committed);
  });
  if (p.committed !== null && p.committed !== undefined) revealWith(p.committed);
  root.append(question, row, reveal);
  el.append(root);
  const paint = () => {
    const theme = readTheme(root);
    root.style.color = theme.text;
    root.style.borderLeftColor = theme.accent;
    for (const muted of root.querySelectorAll(".rnnviz-predict-scale"))
      muted.style.color = theme.muted;
  };
  paint();
  requestAnimationFrame(paint); // once the page has put the widget in place
  return watchTheme(paint);
}
