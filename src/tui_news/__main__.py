from tui_news.cli import main

raise SystemExit(main())
