"""The house style: figures laid out inside their canvas, printed as laid out, and the published figures.

Figures here are drawn from SYNTHETIC series (a few made-up points), not market data.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import nbformat
import papermill
import pytest
from conftest import assert_house_numbers, number_style_breaches
from PIL import Image

from deepseek_monday.build.execution import KERNEL_NAME, ensure_kernel
from deepseek_monday.present import style

matplotlib.use("Agg")
BOOK = Path(__file__).resolve().parents[1] / "book"
GLUED_PNG = "application/papermill.record/image/png"
LONG_SOURCE = ", ".join(f"source number {i} with a long description" for i in range(12))


def inside_canvas(fig: plt.Figure) -> bool:
    """Whether everything drawn lies within the figure's canvas (to a pixel)."""
    fig.canvas.draw()
    drawn = fig.get_tightbbox(fig.canvas.get_renderer())  # inches
    width, height = fig.get_size_inches()
    tolerance = 1 / fig.dpi
    return drawn.x0 >= -tolerance and drawn.y0 >= -tolerance and drawn.x1 <= width + tolerance \
        and drawn.y1 <= height + tolerance


@pytest.fixture(autouse=True)
def house_style() -> Iterator[None]:
    with matplotlib.rc_context():  # the style is undone afterwards, for the other test modules
        style.use_house_style()
        yield
    plt.close("all")


def test_source_line_is_wrapped_to_the_figure_width_at_its_bottom() -> None:
    fig, _ = plt.subplots(figsize=(6, 4))
    top = style.add_source(fig, LONG_SOURCE)
    (text,) = fig.texts
    extent = text.get_window_extent(fig.canvas.get_renderer())
    assert text.get_text().count("\n") >= 2  # wrapped
    assert extent.x1 <= fig.bbox.width and extent.y0 >= 0
    assert top == pytest.approx(extent.y1 / fig.bbox.height)
    assert 0 < top < 0.3


def test_finish_lays_title_plots_legends_and_source_inside_the_canvas() -> None:
    fig, axes = plt.subplots(1, 2, figsize=(7, 3))
    for ax in axes:
        ax.plot([0, 1, 2], [1.0, 3.0, 2.0], label="a SYNTHETIC series with a long legend label")
        ax.set_xlabel("x (units)")
        ax.set_ylabel("y (units)")
    axes[1].legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))  # outside the axes, on the right
    handles, labels = axes[0].get_legend_handles_labels()
    style.finish(fig, "A title", LONG_SOURCE, style.FigureLegend(handles, labels, 1))
    assert inside_canvas(fig)
    renderer = fig.canvas.get_renderer()
    (source,) = [text for text in fig.texts if text.get_text().startswith("Source:")]
    source_top = source.get_window_extent(renderer).y1
    legend = fig.legends[0].get_window_extent(renderer)
    plots_bottom = min(ax.get_tightbbox(renderer).y0 for ax in axes)
    assert source_top <= legend.y0 + 1 and legend.y1 <= plots_bottom + 1  # stacked, not overlapping


def test_without_finish_a_label_outside_the_canvas_is_detected() -> None:
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.text(0.5, 1.6, "outside", transform=ax.transAxes)
    assert not inside_canvas(fig)  # the check above can fail


def test_notebook_prints_figures_as_laid_out(tmp_path: Path) -> None:
    """In a kernel, use_house_style turns off the inline backend's bbox_inches="tight" re-layout."""
    ensure_kernel()
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in (
        "import matplotlib.pyplot as plt\nfrom myst_nb import glue\nfrom deepseek_monday.present import style\n"
        "style.use_house_style()",  # before the inline backend is loaded by the first figure
        "fig, ax = plt.subplots(figsize=(4, 3))\nax.text(0.5, 1.6, 'outside', transform=ax.transAxes)\n"
        "glue('probe', fig, display=False)",
    )]
    nbformat.write(notebook, tmp_path / "probe.ipynb")
    papermill.execute_notebook(str(tmp_path / "probe.ipynb"), str(tmp_path / "out.ipynb"), kernel_name=KERNEL_NAME,
                               progress_bar=False, cwd=str(tmp_path))
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    png = base64.b64decode(executed.cells[1].outputs[0]["data"][GLUED_PNG])
    dpi = matplotlib.rc_params_from_file(style.STYLE_FILE, use_default_template=False)["figure.dpi"]
    assert Image.open(io.BytesIO(png)).size == (round(4 * dpi), round(3 * dpi))  # not cropped or widened


def published_figures() -> list[tuple[str, bytes]]:
    figures = []
    for path in sorted(BOOK.glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                if GLUED_PNG in output.get("data", {}):
                    name = f"{path.stem}:{output['metadata']['scrapbook']['name']}"
                    figures.append((name, base64.b64decode(output["data"][GLUED_PNG])))
    return figures


FIGURES = published_figures()


@pytest.mark.parametrize(("name", "png"), FIGURES, ids=[name for name, _ in FIGURES])
def test_published_figure_is_not_cut_at_the_canvas_edge(name: str, png: bytes) -> None:
    """Nothing drawn touches the edge of a figure in the book (a cut-off label or title would)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    pixels = image.load()
    edge = [pixels[x, y] for x in range(width) for y in (0, height - 1)]
    edge += [pixels[x, y] for y in range(height) for x in (0, width - 1)]
    assert all(pixel == (255, 255, 255) for pixel in edge), f"{name}: something is drawn at the canvas edge"


def test_the_book_has_figures_to_check() -> None:
    assert len(FIGURES) >= 20


@pytest.mark.parametrize(
    ("symbol", "name", "expected"),
    [
        ("NVDA", "NVIDIA", "NVDA (NVIDIA)"),
        ("GSPC", "S&P 500 index (^GSPC)", "GSPC (S&P 500 index)"),
        ("ASHR", "Xtrackers Harvest CSI 300 China A-Shares ETF (CSI 300 proxy)", "ASHR (Xtrackers Harvest CSI 300…)"),
        ("X", "(only a remark)", "X ((only a remark))"),
    ],
)
def test_instrument_label_drops_remarks_and_cuts_at_a_word(symbol: str, name: str, expected: str) -> None:
    assert style.instrument_label(symbol, name) == expected


def _lab(colour: str) -> tuple[float, float, float]:
    """CIELAB (D65) of a hex colour, to compare how different two colours look."""
    import numpy as np

    rgb = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    f = np.cbrt(np.maximum(xyz / np.array([0.95047, 1.0, 1.08883]), 0.008856 ** 3))
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def test_every_group_has_its_own_clearly_different_colour() -> None:
    import itertools
    import math

    from deepseek_monday.data.universe import GROUPS

    assert list(style.GROUP_PALETTE) == GROUPS
    assert _lab(style.GROUP_PALETTE["indices/benchmarks"])[0] < 20  # benchmarks near-black
    # CIELAB distance above 15 for every pair of groups (the old palette had pairs near 20 that
    # looked alike on screen: blue and light blue, two pinks, orange and vermillion and tan).
    distances = {(a, b): math.dist(_lab(style.GROUP_PALETTE[a]), _lab(style.GROUP_PALETTE[b]))
                 for a, b in itertools.combinations(GROUPS, 2)}
    assert min(distances.values()) > 15
    large = ["AI chips", "networking/servers", "power for AI", "hyperscalers and megacaps", "cloud software", "China"]
    assert min(distances[pair] for pair in itertools.combinations(large, 2)) > 30


@pytest.mark.parametrize(("low", "high", "labels"), [
    (-0.08, 0.01, ["\u221210 %", "\u22128 %", "\u22126 %", "\u22124 %", "\u22122 %", "0 %", "2 %"]),
    (-0.2, 0.05, ["\u221225 %", "\u221220 %", "\u221215 %", "\u221210 %", "\u22125 %", "0 %", "5 %", "10 %"]),
    (-0.003, 0.002, ["\u22120.4 %", "\u22120.3 %", "\u22120.2 %", "\u22120.1 %", "0.0 %", "0.1 %", "0.2 %", "0.3 %"]),
    (0.0, 14.0, ["\u2212200 %", "0 %", "200 %", "400 %", "600 %", "800 %", "1,000 %", "1,200 %", "1,400 %", "1,600 %"]),
])
def test_percent_axis_labels_follow_the_tick_step(low: float, high: float, labels: list[str]) -> None:
    """SYNTHETIC line from ``low`` to ``high``: ticks at 1-2-5 steps, each label its tick's exact value, in the
    house style (a true minus sign, a space before %, thousands separated)."""
    fig, ax = plt.subplots()
    ax.plot([0, 1], [low, high])
    style.percent_axis(ax.yaxis)
    fig.canvas.draw()
    shown = [t.get_text() for t in ax.get_yticklabels()]
    plt.close(fig)
    assert shown == labels
    for tick, text in zip(ax.get_yticks(), shown, strict=True):
        assert float(text.removesuffix(" %").replace("\u2212", "-").replace(",", "")) == pytest.approx(100 * tick)


def test_percent_decimals_follow_the_step() -> None:
    assert [style.percent_decimals(step) for step in (0.05, 0.01, 0.005, 0.0025, 0.02)] == [0, 0, 1, 2, 0]


def test_percent_axis_keeps_fixed_decimals() -> None:
    """SYNTHETIC line: an explicit ``decimals`` is used for every label."""
    fig, ax = plt.subplots()
    ax.plot([0, 1], [-0.1, 0.1])
    style.percent_axis(ax.yaxis, decimals=1)
    fig.canvas.draw()
    assert all(t.get_text().endswith(".0 %") for t in ax.get_yticklabels())
    plt.close(fig)


def test_percent_axis_in_percent_units_and_signed() -> None:
    """SYNTHETIC values already in percent (as a heatmap's colour bar holds them), with a sign before gains."""
    fig, ax = plt.subplots()
    ax.plot([0, 1], [-4.0, 4.0])
    style.percent_axis(ax.yaxis, in_percent=True, signed=True)
    fig.canvas.draw()
    shown = [t.get_text() for t in ax.get_yticklabels()]
    plt.close(fig)
    assert shown == [f"\u2212{n} %" for n in range(5, 0, -1)] + ["0 %"] + [f"+{n} %" for n in range(1, 6)]


def test_rendered_ticks_use_the_minus_sign_and_a_space_before_percent() -> None:
    """SYNTHETIC figure: a percent axis (the helper) and a plain numeric axis, as drawn on the canvas."""
    fig, ax = plt.subplots()
    ax.plot([-3.0, 2.0], [-0.12, 0.06])
    style.percent_axis(ax.yaxis)
    fig.canvas.draw()
    y_labels = [t.get_text() for t in ax.get_yticklabels()]
    x_labels = [t.get_text() for t in ax.get_xticklabels()]
    assert any(label.startswith("\u2212") for label in y_labels) and all(label.endswith(" %") for label in y_labels)
    assert any(label.startswith("\u2212") for label in x_labels)  # axes.unicode_minus of the house style
    assert not any("-" in label for label in y_labels + x_labels)
    assert_house_numbers(fig)
    plt.close(fig)


def test_number_style_check_can_fail() -> None:
    """SYNTHETIC figure with the two faults the check looks for, and the old ad-hoc formatter's labels."""
    from matplotlib.ticker import FuncFormatter

    fig, ax = plt.subplots()
    ax.plot([0, 1], [-0.1, 0.1])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0%}"))  # glued "%", hyphen-minus
    ax.set_title("a fall of -5 %")
    breaches = number_style_breaches(fig)
    plt.close(fig)
    assert any("hyphen-minus" in b and "-5 %" in b for b in breaches)
    assert any("without a space" in b for b in breaches) and any("'-10%'" in b for b in breaches)
