"""careprint: accessible patient handouts from reviewed YAML content.

The pipeline is load -> check -> render -> verify -> write; each stage is one module.
"""

__version__ = "0.1.0"
