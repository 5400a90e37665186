"""The version of connector-domain: the one place it is written.

The build reads it from here (``[tool.hatch.version]`` in pyproject.toml), so
the distribution's metadata and ``connector_domain.__version__`` cannot differ.
"""

__version__ = "0.1.0"
