"""Dashboards (upper floor: matplotlib, ipywidgets): sliders, a figure redrawn in place, a message.

A Dashboard joins a figure built once at the default settings; `update(**values) -> str`, a plain
function that changes the figure's artists in place (set_data) and returns a message for the
learner ('' when all is well, a sentence such as "α > 1/a²: the steps diverge" otherwise); and
the controls, the sliders by the name of the argument they set. The tests call
`dashboard.update(...)` at every corner of the sliders; a notebook shows the dashboard, which
renders the figure as an <img> whose alt text says what it shows now (`description`, the
settings, the message). Nothing is printed, so the outputs stay the same from run
to run. Each notebook's dashboard is built in invlib.dashboards (nb01 for notebook 01, …).
Animated artists are painted over the rest, legends included: keep legends out of their way.
"""

import base64
import html
import io
import itertools

import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg


def float_slider(description, min, max, step, value, readout_format=".3g"):
    """A labelled slider for a real number (α, β, noise, …)."""
    import ipywidgets

    return ipywidgets.FloatSlider(
        value=value, min=min, max=max, step=step, description=description,
        readout_format=readout_format, continuous_update=True,
        style={"description_width": "initial"},
    )


def int_slider(description, min, max, value, step=1):
    """A labelled slider for a whole number (N, epochs, samples, …)."""
    import ipywidgets

    return ipywidgets.IntSlider(
        value=value, min=min, max=max, step=step, description=description,
        continuous_update=True, style={"description_width": "initial"},
    )


def choice(description, options, value):
    """Toggle buttons for a setting with a few values (where the noise goes, …)."""
    import ipywidgets

    return ipywidgets.ToggleButtons(options=list(options), value=value, description=description,
                                    style={"description_width": "initial"})


class Dashboard:
    """Sliders, a figure redrawn in place, and a message line (see the module docstring)."""

    def __init__(self, figure, update, controls, animated=(), description=""):
        self.figure = figure
        self.description = description  # what the figure shows, for its alt text
        self._update = update
        self.controls = dict(controls)
        self.animated = list(animated)
        self.message = ""
        self._widget = None
        self._background = None
        self.canvas = FigureCanvasAgg(figure)  # Agg, independently of pyplot's backend
        self.update()

    def values(self):
        """The current slider values, by argument name."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self, **values):
        """Set the given sliders (the others keep their values), recompute and redraw.
        Returns the message for the learner ('' when nothing is wrong)."""
        for name, value in values.items():
            if name not in self.controls:
                raise TypeError(f"unknown control {name!r}; this dashboard has {list(self.controls)}")
            self.controls[name].value = value
        if self._widget is None:  # once shown, the sliders' observer redraws by itself
            self.message = self._update(**self.values()) or ""
        return self.message

    def corners(self):
        """Every combination of each slider's minimum and maximum (for the tests)."""
        ranges = [_extremes(c) for c in self.controls.values()]
        for combo in itertools.product(*ranges):
            yield dict(zip(self.controls, combo))

    def random_settings(self, count, seed=0):
        """`count` settings drawn uniformly from each slider's grid of steps, or one of a choice's
        options (for the tests)."""
        rng = np.random.default_rng(seed)
        for _ in range(count):
            setting = {}
            for name, control in self.controls.items():
                if hasattr(control, "options"):
                    values = [o[1] if isinstance(o, tuple) else o for o in control.options]
                    setting[name] = values[rng.integers(len(values))]
                else:  # a point on the slider's own grid of steps
                    steps = int(round((control.max - control.min) / control.step))
                    value = control.min + int(rng.integers(steps + 1)) * control.step
                    value = min(value, control.max)
                    setting[name] = value if isinstance(control.value, int) else float(value)
            yield setting

    def render_frame(self, image_format="jpeg"):
        """The frame as JPEG (quality 90, no chroma subsampling: ¼ of PNG's time) or PNG bytes.
        Only `animated` artists are redrawn, over a background (axes limits included) drawn once."""
        if self.animated:
            if self._background is None or self._background[0] != self.canvas.get_width_height():
                self._capture_background()
            self.canvas.restore_region(self._background[1])
            for artist in self.animated:
                self.figure.draw_artist(artist)
        else:
            self.canvas.draw()
        image = PIL.Image.fromarray(np.asarray(self.canvas.buffer_rgba())).convert("RGB")
        buffer = io.BytesIO()
        if image_format == "png":
            image.save(buffer, format="png", compress_level=1)
        else:
            image.save(buffer, format="jpeg", quality=90, subsampling=0)
        return buffer.getvalue()

    def render_png(self):
        """The current frame as PNG bytes (lossless; for saving or inspecting a frame)."""
        return self.render_frame("png")

    def _capture_background(self):
        visible = [artist.get_visible() for artist in self.animated]
        for artist in self.animated:
            artist.set_visible(False)
        self.canvas.draw()
        self._background = (self.canvas.get_width_height(),
                            self.canvas.copy_from_bbox(self.figure.bbox))
        for artist, was_visible in zip(self.animated, visible):
            artist.set_visible(was_visible)

    def alt_text(self):
        """The figure's text for a screen reader: what it shows, the settings, the message."""
        settings = ", ".join(f"{control.description} = {_spoken(control.value)}"
                             for control in self.controls.values())
        return " ".join(part for part in (self.description, f"Now at {settings}.", self.message) if part)

    def figure_html(self):
        """The frame as an <img> with its alt text (what the dashboard's HTML widget shows).
        Not an Image widget: ipywidgets 8.1 fails to show one that has a tooltip, its only name."""
        data = base64.b64encode(self.render_frame()).decode("ascii")
        return (f'<img class="dashboard-figure" src="data:image/jpeg;base64,{data}" '
                f'style="max-width: 100%; height: auto" alt="{html.escape(self.alt_text())}">')

    def widget(self):
        """The ipywidgets view: sliders, the figure as an image, and the message line."""
        if self._widget is None:
            import ipywidgets

            image = ipywidgets.HTML(self.figure_html())
            image.add_class("dashboard-figure-box")
            status = ipywidgets.HTML(self._status_html())

            def on_change(_change):
                self.message = self._update(**self.values()) or ""
                image.value = self.figure_html()
                status.value = self._status_html()

            for control in self.controls.values():
                control.observe(on_change, names="value")
            rows = [_with_number_field(control) for control in self.controls.values()]
            self._widget = ipywidgets.VBox([*rows, image, status])
            self._widget.add_class("dashboard")
        return self._widget

    def _status_html(self):
        if not self.message:
            return ""
        return f'<div role="status" style="color:#b00020;font-weight:bold">{self.message}</div>'

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget())


def _with_number_field(control):
    """A slider beside a number field that shows its value and takes a typed one. The field is
    labelled with the slider's name, so a screen reader announces it ("α, spin button, 0.05"),
    a second named control beside the handle (which dashboard-support/ names in the browser,
    ipywidgets 8.1 does not). The kernel keeps the two
    together and rounds the field to the slider's step (the browser's sums give 0.04999…)."""
    import ipywidgets

    if isinstance(control, ipywidgets.IntSlider):
        field_type = ipywidgets.BoundedIntText
    elif isinstance(control, ipywidgets.FloatSlider):
        field_type = ipywidgets.BoundedFloatText
    else:  # toggle buttons name themselves
        return control
    decimals = len(f"{control.step:.10f}".rstrip("0").split(".")[1])
    field = field_type(value=round(control.value, decimals), min=control.min, max=control.max,
                       step=control.step, description=control.description,
                       layout=ipywidgets.Layout(width="6em"),
                       style={"description_width": "0px"})  # the name is read, not shown twice

    def show_slider_value(change):
        field.value = round(change["new"], decimals)

    def take_typed_value(change):
        if abs(change["new"] - control.value) > control.step / 2:  # typed, not shown
            control.value = change["new"]

    control.readout = False
    control.observe(show_slider_value, names="value")
    field.observe(take_typed_value, names="value")
    return ipywidgets.HBox([control, field])


def _spoken(value):
    """A setting as a screen reader should hear it: 0.05, not 0.049999999999999996."""
    if isinstance(value, float):
        return f"{value:.6g}".replace("-", "−")
    return str(value).replace("-", "−")


def _extremes(control):
    """A slider's (min, max), or a choice's first and last option."""
    if hasattr(control, "options"):
        values = [o[1] if isinstance(o, tuple) else o for o in control.options]
        return values[0], values[-1]
    return control.min, control.max


def figure_is_finite(figure):
    """True when every line, image, collection (meshes, scatter) and patch (bars) in the figure
    holds only finite numbers."""
    def finite(values):
        values = np.asarray(np.ma.getdata(values), dtype=float)  # masked NaN is NaN too
        return values.size == 0 or bool(np.all(np.isfinite(values)))

    for ax in figure.axes:
        for line in ax.get_lines():
            if not (finite(line.get_xdata()) and finite(line.get_ydata())):
                return False
        for image in ax.get_images():
            if not finite(image.get_array()):
                return False
        for collection in ax.collections:
            array = collection.get_array()
            if (array is not None and not finite(array)) or not finite(collection.get_offsets()):
                return False
        for patch in ax.patches:
            if not finite(patch.get_path().vertices) or not finite(patch.get_transform().get_matrix()):
                return False
    return True
