"""Two-way sync with a self-hosted aggregator (Tiny Tiny RSS today; the engine talks to a `SyncClient`, so
Miniflux or the Google Reader API can be added as other adapters). No textual, no rich, no SQL here: the
cache side goes through tui_news.store.sync_repo."""
