"""Whole articles from their pages (issue 11): page bytes + URL -> the article body as HTML-lite.

Pure domain code: no network, no disk (besides reading the bundled `sites.toml`), no UI imports.

    from tui_news.extract import extract
    got = extract(page_bytes, url)            # Extracted(html, title, authors, published, lead_image, extractor)
    got = extract(page_bytes, url, rules=user_rules)   # the user's SiteRules win over the bundled ones
"""

from tui_news.extract.core import Extracted, ExtractError, decode_page, extract
from tui_news.extract.rules import SiteRule, bundled_rules, match_rule, parse_rules, rule_from_mapping

__all__ = [
    "ExtractError", "Extracted", "SiteRule", "bundled_rules", "decode_page", "extract", "match_rule",
    "parse_rules", "rule_from_mapping",
]
