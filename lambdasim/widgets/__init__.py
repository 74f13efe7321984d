"""ipywidgets views over pure "settings → scenario → result → figures" functions."""

from lambdasim.widgets.explorer import (
    Exploration,
    Explorer,
    ExplorerSettings,
    build_scenario,
    explore,
    kpis,
    settings_with,
)

__all__ = [
    "Exploration", "Explorer", "ExplorerSettings", "build_scenario", "explore", "kpis", "settings_with",
]
