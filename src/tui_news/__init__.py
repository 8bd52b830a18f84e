"""tui-news: a terminal news reader. The package root stays cheap to import."""

__version__ = "0.1.0"
