"""careprint: accessible patient handouts from reviewed YAML content.

One pipeline (careprint.pipeline) runs every command: load -> gate (content, settings, style) -> plan -> make
(render, then the layout and PDF checks) -> write. The README's "Layout of the code" names the module of each stage.
"""

__version__ = "0.1.0"
