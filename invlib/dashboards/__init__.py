"""One module per widget notebook (nb01 serves notebook 01, …), each building a widgets.Dashboard.

The dashboards' update functions are plain functions; the tests call them at every corner of
their sliders.
"""


def __getattr__(name):
    """`dashboards.nb02` imports that notebook's dashboard module on first use."""
    import importlib

    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
