// Each Chart's front end: a stub importing the renderer (static/chart/, joined) from the one
// ChartLibrary model its "library" trait names, once a page per version. A page without that
// model (Colab: each output in its own frame) asks the chart's kernel for the source.
const modules = (globalThis.__rnnvizChartModules ??= new Map());
const NO_LIBRARY =
  "This chart cannot draw: its code (rnnviz's ChartLibrary widget) is missing here and " +
  "no kernel sent it. Run the cell again.";

function askKernel(model) {
  return new Promise((resolve, reject) => {
    const answer = (message) => {
      if (message?.event !== "library") return;
      clearTimeout(timer);
      model.off("msg:custom", answer);
      resolve(message);
    };
    const timer = setTimeout(() => reject(new Error(NO_LIBRARY)), 10000);
    model.on("msg:custom", answer);
    model.send({ event: "library" });
  });
}

async function chartModule(model) {
  const id = model.get("library").replace("IPY_MODEL_", "");
  // ipywidgets 8 rejects an unknown id, 7 may give undefined
  const found = await Promise.resolve()
    .then(() => model.widget_manager.get_model(id))
    .catch(() => null);
  const { source, version } = found
    ? { source: found.get("source"), version: found.get("version") }
    : await askKernel(model);
  if (!modules.has(version)) {
    const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    modules.set(
      version,
      import(url).catch((error) => {
        modules.delete(version);
        throw error;
      }),
    );
  }
  return modules.get(version);
}

export default {
  async render({ model, el }) {
    const module = await chartModule(model).catch((error) => {
      const note = el.appendChild(document.createElement("div"));
      note.className = "rnnviz-chart-missing";
      note.textContent = error.message === NO_LIBRARY ? NO_LIBRARY : `${error}`;
    });
    return module?.default.render({ model, el });
  },
};
