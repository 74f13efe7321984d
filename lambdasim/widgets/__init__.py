"""ipywidgets views over pure "settings → scenario → result → figures" functions."""

from lambdasim.widgets.explorer import (
    MAX_ATTEMPTS,
    MAX_EVENTS,
    Exploration,
    Explorer,
    ExplorerSettings,
    build_scenario,
    expected_attempts,
    expected_events,
    explore,
    kpis,
    settings_with,
)

__all__ = [
    "Exploration", "Explorer", "ExplorerSettings", "MAX_ATTEMPTS", "MAX_EVENTS", "build_scenario",
    "expected_attempts", "expected_events", "explore", "kpis", "settings_with",
]
