"""The Textual reader. Nothing here is imported by the domain; `run_app` is the entry point the CLI calls."""
