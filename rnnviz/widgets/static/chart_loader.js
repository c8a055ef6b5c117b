// Each Chart's own front end: a stub that imports the renderer (static/chart/, joined) from the one
// ChartLibrary model its "library" trait names. The source travels once per notebook (in
// that model's state, stored widget state included), and a page imports it once per version.
const modules = (globalThis.__rnnvizChartModules ??= new Map());

async function chartModule(model) {
  const id = model.get("library").replace("IPY_MODEL_", "");
  const library = await model.widget_manager.get_model(id);
  const version = library.get("version");
  if (!modules.has(version)) {
    const blob = new Blob([library.get("source")], { type: "text/javascript" });
    const url = URL.createObjectURL(blob);
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
  async render(context) {
    return (await chartModule(context.model)).default.render(context);
  },
};
