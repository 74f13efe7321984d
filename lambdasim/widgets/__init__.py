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
    load_preset,
    settings_from_scenario,
    settings_with,
)
from lambdasim.widgets.page import show_page
from lambdasim.widgets.presets import preset_files

__all__ = [
    "Exploration", "Explorer", "ExplorerSettings", "MAX_ATTEMPTS", "MAX_EVENTS", "build_scenario",
    "expected_attempts", "expected_events", "explore", "kpis", "settings_with", "show_page", "load_preset",
    "preset_files", "settings_from_scenario",
]
