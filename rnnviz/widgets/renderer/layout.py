"""Layout: panel boxes in pixels on the chart's canvas."""


def grid_boxes(
    width, height, rows, cols, margin=(60, 20, 60, 50), hspace=50, vspace=80, row_heights=None
):
    """Panel boxes [left, top, width, height] in pixels on a rows x cols grid.

    Inputs: the canvas's width and height (px); margin (left, right, top, bottom);
    hspace, vspace: the gaps between panels (px); row_heights: fractions, default equal.
    Returns: boxes[row][col]; merge two with `span(a, b)`.
    """
    left, right, top, bottom = margin
    inner_w = (width - left - right - hspace * (cols - 1)) / cols
    inner_h = height - top - bottom - vspace * (rows - 1)
    fractions = row_heights or [1 / rows] * rows
    boxes, y = [], top
    for r in range(rows):
        h = inner_h * fractions[r]
        boxes.append([[left + c * (inner_w + hspace), y, inner_w, h] for c in range(cols)])
        y += h + vspace
    return boxes


def span(first, last):
    """One box covering two boxes of the same row (a panel spanning columns)."""
    return [first[0], first[1], last[0] + last[2] - first[0], first[3]]
