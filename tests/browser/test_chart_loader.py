"""static/chart_loader.js, each Chart's stub, in a blank page with a stand-in model: it draws from
the page's ChartLibrary model; on a page without that model (Colab draws each output in its own
frame) it asks its kernel for the source and draws from the answer; with no kernel to answer it
says so in words instead of failing silently."""

import base64

import pytest

from rnnviz.front_end import chart_source
from rnnviz.widgets.renderer.chart import STATIC

pytestmark = pytest.mark.browser

# A model as anywidget hands it to render(): get/on/off/send and a widget manager. `library`
# says what the page holds: "model" (the ChartLibrary model), "kernel" (no model; the kernel
# answers a {"event": "library"} message), "none" (no model, no kernel).
RENDER_JS = """async ({loader, source, library}) => {
  const stub = (await import(loader)).default;
  const listeners = {}, sent = [];
  const spec = {width: 240, height: 80, title: "drawn", panels: [], controls: {},
                control_names: []};
  const libraryModel = {get: (key) => ({source, version: "v-test"})[key]};
  const model = {
    get: (key) => ({library: "IPY_MODEL_lib", spec, data: {}, controls: [], busy: false})[key],
    on: (event, f) => (listeners[event] ??= []).push(f),
    off: (event, f) => { listeners[event] = (listeners[event] || []).filter((g) => g !== f); },
    send: (message) => {
      sent.push(message);
      if (library === "kernel" && message.event === "library")
        setTimeout(() => (listeners["msg:custom"] || []).forEach(
          (f) => f({event: "library", source, version: "v-test"}, [])), 20);
    },
    widget_manager: {
      get_model: async (id) => {
        if (library === "model" && id === "lib") return libraryModel;
        throw new Error("widget model not found");
      },
    },
  };
  const el = document.createElement("div");
  document.body.append(el);
  await stub.render({model, el});
  const canvas = el.querySelector(".rnnviz-chart > canvas");
  let ink = 0;
  if (canvas) {
    const d = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 200) ink += 1;
  }
  return {canvas: !!canvas, ink, sent, note: el.querySelector(".rnnviz-chart-missing")?.textContent
          ?? null, listening: (listeners["msg:custom"] || []).length};
}"""


@pytest.fixture
def render(browser):
    page = browser.new_page()
    loader = "data:text/javascript;base64," + base64.b64encode(
        (STATIC / "chart_loader.js").read_bytes()
    ).decode("ascii")

    def run(library):
        return page.evaluate(
            RENDER_JS, {"loader": loader, "source": chart_source(), "library": library}
        )

    yield run
    page.close()


def test_a_chart_draws_from_the_pages_library_model_without_asking_the_kernel(render):
    result = render("model")
    assert result["canvas"] and result["ink"] > 0  # the title's words
    assert result["sent"] == [] and result["note"] is None


def test_a_page_without_the_library_model_draws_from_the_kernels_answer(render):
    result = render("kernel")
    assert result["sent"] == [{"event": "library"}]
    assert result["canvas"] and result["ink"] > 0
    assert result["note"] is None and result["listening"] == 0  # its listener removed


def test_with_neither_model_nor_kernel_the_chart_says_why_it_cannot_draw(render):
    result = render("none")  # waits out the loader's 10 s for an answer
    assert not result["canvas"]
    assert "ChartLibrary" in result["note"] and "Run the cell again" in result["note"]
