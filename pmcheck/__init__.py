"""pmcheck: a git-native policy-as-code checker for incident postmortems."""

__version__ = "0.1.0"
