"""AttentionViewer: where the captioner looked while it wrote each word.

Left, the scene with the attention map of the chosen word's step laid over it (one square
per location of the 6x6 feature grid, its colour scale running up to that step's peak; the
outlined square is the peak that the localisation score checks). Right, how much of that
step's attention fell on each object and on the background. The title holds the generated
caption (the chosen word in brackets), the true caption and the no-attention baseline's.
"""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnviz import checks
from rnnviz.captioning import scenes
from rnnviz.captioning.metrics import attention_mass, attention_peak, generated_words
from rnnviz.captioning.model import GRID_SIZE, caption_images
from rnnviz.widgets.base import LabWidget
from rnnviz.widgets.controls import int_slider
from rnnviz.widgets.figure_data import finite_max, gaps

PATCH = scenes.IMAGE_SIZE // GRID_SIZE  # pixels per attention location
CENTRES = PATCH * np.arange(GRID_SIZE) + PATCH / 2 - 0.5  # patch centres in image coordinates


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


class AttentionViewer(LabWidget):
    """Step through a generated caption and see each word's attention on the image.

    Inputs:
        model: an AttentionCaptioner; baseline: a BaselineCaptioner (or None)
        data: rnnviz.captioning.scenes.Scenes to browse; scene: the first scene shown
    """

    def __init__(self, model, baseline, data, scene: int = 0):
        super().__init__()
        if getattr(model, "kind", None) != "attention":
            raise TypeError("model must be an AttentionCaptioner (kind 'attention')")
        if baseline is not None and getattr(baseline, "kind", None) != "baseline":
            raise TypeError("baseline must be a BaselineCaptioner or None")
        if not isinstance(data, scenes.Scenes):
            raise TypeError(f"data must be captioning.scenes.Scenes, got {type(data).__name__}")
        self.scene_slider = int_slider(
            "scene", scene, 0, len(data) - 1, description="scene", continuous_update=False
        )
        self.scenes = data
        self.words, self.alphas = caption_images(model, data.images)
        self.baseline_words = None if baseline is None else caption_images(baseline, data.images)[0]
        self.texts = data.texts()

        self.word_slider = int_slider("word", 0, 0, self._last_step(scene), description="word")
        self.controls = [self.word_slider, self.scene_slider]
        self._syncing = False

        fig = make_subplots(
            rows=1,
            cols=2,
            column_widths=[0.55, 0.45],
            horizontal_spacing=0.2,
            subplot_titles=("where it looked", "attention on each object"),
        )
        fig.add_trace(
            go.Image(z=np.zeros((scenes.IMAGE_SIZE, scenes.IMAGE_SIZE, 3)), hoverinfo="skip"), 1, 1
        )
        # Transparent where the step paid no attention, a bright glow where it looked most.
        glow = [
            [0.0, "rgba(255,255,255,0)"],
            [0.6, "rgba(255,220,60,0.3)"],
            [1.0, "rgba(255,255,255,0.85)"],
        ]
        fig.add_trace(
            go.Heatmap(
                x=CENTRES,
                y=CENTRES,
                z=np.zeros((GRID_SIZE, GRID_SIZE)),
                zmin=0,
                zmax=1,
                colorscale=glow,
                colorbar=dict(title="attention", x=0.5, xanchor="left", thickness=12, len=0.8),
                hovertemplate="attention %{z:.3f}<extra></extra>",
            ),
            1,
            1,
        )
        fig.add_trace(
            go.Scatter(
                x=[],
                y=[],
                mode="lines",
                showlegend=False,
                line=dict(color="cyan", width=2),
                hoverinfo="skip",
                name="peak",
            ),
            1,
            1,
        )
        fig.add_trace(
            go.Bar(x=[], y=[], showlegend=False, hovertemplate="%{x}: %{y:.3f}<extra></extra>"),
            1,
            2,
        )
        fig.update_xaxes(showticklabels=False, range=[-0.5, scenes.IMAGE_SIZE - 0.5], row=1, col=1)
        fig.update_yaxes(
            showticklabels=False,
            range=[scenes.IMAGE_SIZE - 0.5, -0.5],
            scaleanchor="x",
            row=1,
            col=1,
        )
        fig.update_yaxes(range=[0, 1], title_text="share of attention", row=1, col=2)
        self.figure = go.FigureWidget(fig)
        self.figure.update_layout(
            template="plotly_white",
            height=430,
            width=820,
            margin=dict(l=30, r=20, t=120, b=60),
            title=dict(font=dict(size=13), x=0.02, y=0.97),
        )
        self._finish()

    def _last_step(self, scene: int) -> int:
        return len(generated_words(self.words[scene])) - 1

    def _on_change(self, change) -> None:
        if self._syncing:
            return
        if change["owner"] is self.scene_slider:
            # A new scene has its own caption length: reset the word slider without a
            # second redraw.
            self._syncing = True
            self.word_slider.value = 0
            self.word_slider.max = self._last_step(self.scene_slider.value)
            self._syncing = False
        self.refresh()

    def compute(self) -> dict:
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

    def draw(self, data) -> None:
        image, heat, peak, bars = self.figure.data
        image.z = data["rgb"]
        heat.z = gaps(data["alpha"])
        # The scale follows the step's peak: attention is often broad, and a fixed 0..1
        # scale would hide where a spread-out step looked most.
        heat.zmax = max(finite_max(data["alpha"], 0.0), 1.0 / GRID_SIZE**2)
        row, col = data["peak"]
        x0, y0 = PATCH * col - 0.5, PATCH * row - 0.5  # the peak patch's outline
        peak.x = [x0, x0 + PATCH, x0 + PATCH, x0, x0]
        peak.y = [y0, y0, y0 + PATCH, y0 + PATCH, y0]
        bars.x = data["names"]
        bars.y = gaps(data["mass"])
        bars.marker.color = [
            f"rgb({r * 255:.0f},{g * 255:.0f},{b * 255:.0f})" for r, g, b in data["colors"]
        ]
        words = [w for w in data["caption"] if w != "<END>"]
        shown = [f"<b>[{w}]</b>" if t == data["step"] else w for t, w in enumerate(words)]
        if data["word"] == "<END>":
            shown.append("<b>[&lt;END&gt;]</b>")
        lines = [
            f"attention model: {' '.join(shown)} {_mark(words, data['true'])}",
            f"true caption: {data['true']}",
        ]
        if data["baseline"] is not None:
            lines.append(
                f"no-attention model: {data['baseline']} "
                f"{_mark(data['baseline'].split(), data['true'])}"
            )
        self.figure.layout.title.text = "<br>".join(lines)


def _mark(words, truth: str) -> str:
    return "(right)" if " ".join(words) == truth else "(wrong)"
