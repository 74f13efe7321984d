"""``python -m lambdasim``: see :mod:`lambdasim.cli`."""

from lambdasim.cli import main

raise SystemExit(main())
