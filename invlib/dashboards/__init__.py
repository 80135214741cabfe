"""One module per widget notebook: each builds a :class:`invlib.widgets.Dashboard`.

The dashboards' update functions are plain functions; the tests call them at every
corner of their sliders.
"""
