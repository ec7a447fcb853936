"""costshare: what Japan and South Korea pay to host US forces, traced from news claims to records.

The package stays light to import: a render starts several Python processes, so submodules
import pandas, matplotlib or nbformat only where they need them.
"""

__version__ = "0.1.0"
