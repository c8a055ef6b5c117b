"""AttentionViewer: where the captioner looked while it wrote each word.

Left, the scene with the attention map of the chosen word's step laid over it (one square
per location of the 6x6 feature grid, its colour scale running up to that step's peak; the
outlined square is the peak that the localisation score checks). Right, how much of that
step's attention fell on each object and on the background. Above, the generated caption
(the chosen word in brackets), the true caption and the no-attention baseline's.

Both sliders are answered in the browser: the kernel captions every scene once
(rnnviz.captioning.model.caption_images), computes each word's peak and per-object mass
(rnnviz.captioning.metrics) and sends the whole browse to the renderer
(rnnviz.widgets.renderer), which picks the scene and the word and draws. A notebook stores
the browse with its outputs, up to rnnviz.checks.output_budget(): past it, the viewer keeps
the first scenes that fit and says how many it left out; the static site, built with no
budget, browses them all.
"""

import json
import math

import numpy as np

from rnnviz import checks
from rnnviz.captioning import scenes
from rnnviz.captioning.metrics import attention_mass, attention_peak, generated_words
from rnnviz.captioning.model import GRID_SIZE, caption_images
from rnnviz.widgets.controls import int_slider
from rnnviz.widgets.renderer import (
    BarSeries,
    BarsPanel,
    ChartWidget,
    ImageOutline,
    ImageOverlay,
    ImagePanel,
    Panel,
    Ref,
    TextPanel,
    finite_max,
    frames,
    labels,
)

PATCH = scenes.IMAGE_SIZE // GRID_SIZE  # pixels per attention location
WIDTH, HEIGHT = 860, 430
# Transparent where the step paid no attention, a bright glow where it looked most.
GLOW = [
    [0.0, "rgba(255,255,255,0)"],
    [0.6, "rgba(255,220,60,0.3)"],
    [1.0, "rgba(255,255,255,0.85)"],
]
# The share of the output budget the browse's frames and text may take: the rest of the
# stored output is the chart library's script (static/chart.js, about 0.1 MB), the sliders
# and their boxes.
BROWSE_SHARE = 0.75


def attention_view(image, words, alphas, objects, masks, step: int) -> dict:
    """The data for one viewer frame: one scene's image, caption and one step's attention.

    Inputs:
        image: (3, 48, 48) RGB in [0, 1]; words: (T,) generated ids; alphas: (T, 6, 6)
        objects: the scene's SceneObject list; masks: (K, 48, 48) their pixel masks
        step: which generated word (0-based)
    Returns:
        dict with rgb (48, 48, 3) uint8, caption words, the step's word, alpha (6, 6), peak
        (row, col), and per-object attention mass (names, mass, colors) plus "background"
    """
    caption = generated_words(words)
    step = checks.positive_int("step", step, minimum=0, maximum=len(caption) - 1)
    alpha = alphas[step]  # (6, 6)
    return {
        "rgb": (255 * image.transpose(1, 2, 0)).round().astype(np.uint8),
        "caption": caption,
        "word": caption[step],
        "alpha": alpha,
        "peak": attention_peak(alpha),
        "names": [o.name for o in objects] + ["background"],
        "mass": attention_mass(alpha, masks[: len(objects)]).tolist(),
        "colors": [scenes.RGB[o.color] for o in objects] + [(0.5, 0.5, 0.5)],
    }


def caption_line(caption, step: int, truth: str) -> str:
    """The generated caption with word `step` bold in brackets (**[red]**), right or wrong."""
    words = [w for w in caption if w != "<END>"]
    shown = [f"**[{w}]**" if t == step else w for t, w in enumerate(words)]
    if caption[step] == "<END>":
        shown.append("**[<END>]**")
    return f"attention model: {' '.join(shown)} {_mark(words, truth)}"


class AttentionViewer(ChartWidget):
    """Step through a generated caption and see each word's attention on the image.

    Inputs:
        model: an AttentionCaptioner; baseline: a BaselineCaptioner (or None)
        data: rnnviz.captioning.scenes.Scenes to browse; scene: the first scene shown
    Raises: ValueError if `scene` is past the scenes that fit the output budget.
    Attributes: word_slider, scene_slider (their values pick the picture), scenes (the first
    scenes of `data` whose browse fits rnnviz.checks.output_budget(): all of them unless a
    stored notebook could not hold them), words (N, T) and alphas (N, T, 6, 6) their generated
    captions and attention maps, data (attention_view of the sliders' current values, with
    "step", "true" and "baseline").
    """

    def __init__(self, model, baseline, data, scene: int = 0):
        super().__init__()
        if getattr(model, "kind", None) != "attention":
            raise TypeError("model must be an AttentionCaptioner (kind 'attention')")
        if baseline is not None and getattr(baseline, "kind", None) != "baseline":
            raise TypeError("baseline must be a BaselineCaptioner or None")
        if not isinstance(data, scenes.Scenes):
            raise TypeError(f"data must be captioning.scenes.Scenes, got {type(data).__name__}")
        checks.positive_int("scene", scene, minimum=0, maximum=len(data) - 1)
        self.all_scenes = len(data)
        self.scenes = data
        self.words, self.alphas = caption_images(model, data.images)
        self.baseline_words = None if baseline is None else caption_images(baseline, data.images)[0]
        self.texts = data.texts()
        views = self.views()
        spec, frames_data = self._browse(views)
        allowance = BROWSE_SHARE * checks.output_budget()
        if _stored_size(spec, frames_data) > allowance:
            shown = self._scenes_that_fit(views, allowance)
            self._keep(shown)
            spec, frames_data = self._browse(views[:shown])
        if scene >= len(self.scenes):
            raise ValueError(
                f"scene must be an int in [0, {len(self.scenes) - 1}]: only the first "
                f"{len(self.scenes)} of {self.all_scenes} scenes fit a stored notebook's output, "
                f"got {scene}"
            )

        # A browse cut to the budget says so where the scene is picked.
        shown = len(self.scenes)
        description = (
            "scene" if shown == self.all_scenes else f"scene ({shown} of {self.all_scenes})"
        )
        self.scene_slider = int_slider("scene", scene, 0, shown - 1, description=description)
        self.word_slider = int_slider("word", 0, 0, self._last_step(scene), description="word")
        self.controls = [self.word_slider, self.scene_slider]
        self.scene_slider.observe(self._on_scene, names="value")
        self.chart.show(
            spec, frames_data, controls={"scene": self.scene_slider, "word": self.word_slider}
        )
        self._finish()

    def _scenes_that_fit(self, views, allowance: float) -> int:
        """The most leading scenes whose browse (of `views`, every scene's) is within
        `allowance` characters stored; at least one."""
        low, high = 0, len(self.scenes)  # the first `low` scenes fit, the first `high` do not
        while high - low > 1:
            middle = (low + high) // 2
            kept = self._browse(views[:middle], n_scenes=middle)
            low, high = (middle, high) if _stored_size(*kept) <= allowance else (low, middle)
        return max(low, 1)

    def _keep(self, n_scenes: int) -> None:
        """Browse only the first `n_scenes` scenes."""
        self.scenes = self.scenes.subset(slice(0, n_scenes))
        self.words, self.alphas = self.words[:n_scenes], self.alphas[:n_scenes]
        if self.baseline_words is not None:
            self.baseline_words = self.baseline_words[:n_scenes]
        self.texts = self.texts[:n_scenes]

    def _last_step(self, scene: int) -> int:
        return len(generated_words(self.words[scene])) - 1

    def _on_scene(self, change) -> None:
        # A new scene has its own caption length: its first word, and no word past its end.
        # The browser has drawn the new scene already (at the old word, or its last word).
        self.word_slider.value = 0
        self.word_slider.max = self._last_step(change["new"])

    def compute(self) -> dict:
        """attention_view of the sliders' scene and word, with the step and both other captions."""
        n, step = self.scene_slider.value, self.word_slider.value
        d = self.scenes
        view = attention_view(
            d.images[n], self.words[n], self.alphas[n], d.objects[n], d.masks[n], step
        )
        view["step"] = step
        view["true"] = self.texts[n]
        view["baseline"] = (
            None if self.baseline_words is None else scenes.decode_captions(self.baseline_words[n])
        )
        return view

    @property
    def data(self) -> dict:
        """compute() for the sliders' current values (what the browser shows)."""
        return self.compute()

    def views(self):
        """attention_view of every scene and word the sliders reach: a word past a scene's
        caption shows its last word (the browser may draw a new scene before the kernel has
        moved the word slider back). Returns: views[n][t], for t < words.shape[1]."""
        d, steps = self.scenes, self.words.shape[1]
        out = []
        for n in range(len(d)):
            last = self._last_step(n)
            args = (d.images[n], self.words[n], self.alphas[n], d.objects[n], d.masks[n])
            scene = [attention_view(*args, step) for step in range(last + 1)]
            out.append([scene[min(t, last)] for t in range(steps)])
        return out

    def refresh(self) -> None:
        """Send every scene's and word's picture to the browser (after words/alphas changed)."""
        spec, data = self._browse(self.views())
        self.chart.show(spec, data, controls={"scene": self.scene_slider, "word": self.word_slider})

    def _browse(self, views, n_scenes: int | None = None) -> tuple[dict, dict]:
        """The chart's spec and data for `views` (those of the first n_scenes scenes, all of
        self.scenes by default)."""
        n_scenes = len(self.scenes) if n_scenes is None else n_scenes
        steps = self.words.shape[1]
        objects, texts = self.scenes.objects[:n_scenes], self.texts[:n_scenes]
        rows = 1 + max(map(len, objects), default=0)  # objects + background
        mass = np.full((n_scenes, steps, rows), np.nan)
        for n, scene in enumerate(views):
            for t, view in enumerate(scene):
                mass[n, t, : len(view["mass"])] = view["mass"]
        alpha = np.array([[v["alpha"] for v in scene] for scene in views])  # (N, T, 6, 6)
        # The scale follows the step's peak: attention is often broad, and a fixed 0..1
        # scale would hide where a spread-out step looked most.
        zmax = [[[max(finite_max(v["alpha"], 0.0), 1.0 / GRID_SIZE**2)] for v in s] for s in views]
        data = {
            "image": frames([s[0]["rgb"] for s in views], ["scene"], dtype="uint8"),
            "alpha": frames(alpha, ["scene", "word"]),
            "zmax": frames(zmax, ["scene", "word"]),
            "peak": frames([[v["peak"] for v in s] for s in views], ["scene", "word"]),
            "mass": frames(mass, ["scene", "word"]),
        }
        grids = {"scene": list(range(n_scenes)), "word": list(range(steps))}
        by_scene = {"scene": grids["scene"]}
        # Each step's line marks its own word: views[n][t] for t past the caption repeats the
        # last word, so its step is the last one.
        captions = [
            [
                caption_line(v["caption"], min(t, len(v["caption"]) - 1), texts[n])
                for t, v in enumerate(s)
            ]
            for n, s in enumerate(views)
        ]
        lines = [
            labels(captions, grids),
            labels([f"true caption: {t}" for t in texts], by_scene),
        ]
        if self.baseline_words is not None:
            baseline = scenes.decode_captions(self.baseline_words[:n_scenes])
            lines.append(
                labels(
                    [
                        f"no-attention model: {b} {_mark(b.split(), t)}"
                        for b, t in zip(baseline, texts)
                    ],
                    by_scene,
                )
            )
        names = labels([s[0]["names"] for s in views], by_scene)
        colors = labels(
            [
                [f"rgb({r * 255:.0f},{g * 255:.0f},{b * 255:.0f})" for r, g, b in s[0]["colors"]]
                for s in views
            ],
            by_scene,
        )
        spec = {
            "width": WIDTH,
            "height": HEIGHT,
            "controls": {name: {"grid": grid} for name, grid in grids.items()},
            "panels": [
                TextPanel([20, 4, WIDTH - 40, 60], lines),
                ImagePanel(
                    [40, 110, 270, 270],
                    Ref("image"),
                    size=[scenes.IMAGE_SIZE, scenes.IMAGE_SIZE],
                    overlay=ImageOverlay(
                        data=Ref("alpha"),
                        size=[GRID_SIZE, GRID_SIZE],
                        colorscale=GLOW,
                        crange=[0, Ref("zmax")],
                        colorbar="attention",
                        value_label="attention ",
                        hover=".3f",
                    ),
                    outline=ImageOutline(data=Ref("peak"), color="cyan", width=2),
                    title="where it looked",
                ),
                BarsPanel(
                    [480, 110, 360, 270],
                    (),
                    [BarSeries(name="attention", data=Ref("mass"), color=colors)],
                    labels=names,
                    y_range=[0, 1],
                    y_title="share of attention",
                    title="attention on each object",
                ),
            ],
        }
        return spec, data


def _stored_size(spec: dict, data: dict) -> int:
    """Characters a notebook stores for a chart of `spec` and `data`: their JSON, with each
    frames entry's bytes as base64 (as scripts/execute_lab.py counts an output)."""
    panels = [p.to_spec() if isinstance(p, Panel) else p for p in spec["panels"]]  # as sent
    size = len(json.dumps(dict(spec, panels=panels)))
    for entry in data.values():
        size += len(json.dumps({k: v for k, v in entry.items() if k != "values"}))
        size += 4 * math.ceil(len(entry["values"]) / 3)
    return size


def _mark(words, truth: str) -> str:
    return "(right)" if " ".join(words) == truth else "(wrong)"
