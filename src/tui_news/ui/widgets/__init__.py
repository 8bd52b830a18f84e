"""Widgets of the reader. None of them does I/O: they get plain dataclasses and post messages."""
