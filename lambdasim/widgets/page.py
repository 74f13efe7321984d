"""The explorer shown as a page (Voila's app/explorer.ipynb, or a notebook cell) with screen-reader names.

ipywidgets 8 draws a slider as a noUiSlider handle with ``role="slider"`` but no accessible name:
its description is a ``<label>`` that points at nothing, so a screen reader says "slider, 2" with
no word of what it sets. Toggle buttons are named by their option alone ("constant": arrivals or
duration?). :data:`ACCESSIBLE_NAMES_JS` names each from its widget's description, and keeps doing
so as widgets are drawn or redrawn; :func:`show_page` displays the explorer with it. The JavaScript runs
where notebook outputs may run script: Voila, and JupyterLab for a notebook the user ran.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ACCESSIBLE_NAMES_JS", "show_page"]

ACCESSIBLE_NAMES_JS = """
(function () {
  if (window.lambdasimAccessibleNames) { return; }
  window.lambdasimAccessibleNames = true;
  function describe(element) {
    var box = element.closest('.widget-inline-hbox, .widget-toggle-buttons');
    var label = box && box.querySelector(':scope > label.widget-label');
    return label ? label.textContent.trim() : '';
  }
  function name() {
    document.querySelectorAll('.noUi-handle[role="slider"]:not([aria-label])').forEach(function (handle) {
      var text = describe(handle);
      if (text) { handle.setAttribute('aria-label', text); }
    });
    document.querySelectorAll('.widget-readout:not([aria-label])').forEach(function (readout) {
      var text = describe(readout);
      if (text) { readout.setAttribute('aria-label', text + ' value'); }
    });
    document.querySelectorAll('.widget-toggle-buttons .widget-toggle-button').forEach(function (button) {
      var text = describe(button);
      var wanted = text + ': ' + button.textContent.trim();
      if (text && button.getAttribute('aria-label') !== wanted) { button.setAttribute('aria-label', wanted); }
    });
  }
  var pending = false;
  new MutationObserver(function () {
    if (!pending) { pending = true; requestAnimationFrame(function () { pending = false; name(); }); }
  }).observe(document.body, {childList: true, subtree: true});
  name();
})();
"""


def show_page(explorer: Any) -> None:
    """Display ``explorer``'s widget with :data:`ACCESSIBLE_NAMES_JS` (in a notebook or Voila)."""
    from IPython.display import Javascript, display

    display(explorer.widget, Javascript(ACCESSIBLE_NAMES_JS))
