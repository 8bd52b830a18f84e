from tui_news.cli import main

# The guard matters: parser worker processes import the main module, and must not run the CLI again.
if __name__ == "__main__":
    raise SystemExit(main())
