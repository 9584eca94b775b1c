"""keyproj: Chinese key-project progress reports to traceable tables.

Kept import-light on purpose: the CLI's start-up must not pay for pandas or spaCy.
"""

__version__ = "0.1.0"
