import pytest, time
from tests.browser.latency import *
from tests.browser.test_lab_04 import handle, output_index, OUTPUT, RADIUS, FORGET_BIAS, PULSE
pytestmark = pytest.mark.browser
def test_diag(lab):
    lab.run("04_vanishing_gradients.ipynb", min_plots=2, min_sliders=5)
    page = lab.page
    widget_screenshot(page, 0, "/tmp/gf1.png")
    print(hold_key(page, handle(lab, RADIUS), 0))
    lab.select(dropdown=3, label="float32")
    lab.press_slider(slider=RADIUS, key="Home")
    time.sleep(2)
    page.locator(".rnnviz-chart canvas").first.hover(position={"x": 200, "y": 200})
    time.sleep(0.5)
    widget_screenshot(page, 0, "/tmp/gf2.png")
