"""costshare.briefing: the sources list shows each source's grade."""

from __future__ import annotations

import re

from costshare import briefing, reference
from costshare import params as P


def _items(html: str) -> dict[str, str]:
    """url -> the grade printed before it."""
    found = re.findall(r'<li><span class="grade grade-(\w+)">([^<]+)</span> <a href="([^"]+)"', html)
    assert found
    for css, text, _ in found:
        assert css == text.split()[0]
    return {url.replace("&amp;", "&"): text for _, text, url in found}


def test_sources_list_shows_the_grade_of_every_source():
    ref = reference.load()
    items = _items(briefing._url_list(ref, P.validate()))
    assert items["https://www.mofa.go.jp/region/n-america/us/security/hns.html"] == "primary"
    assert items["http://bakademonews.com/blog-entry-240.html"] == "weak"
    assert items["https://www.jcp.or.jp/akahata/aik10/2010-12-25/2010122502_01_1.html"] == "secondary"
    # every URL of the records, agreements, troops and events is graded
    assert set(items.values()) <= set(reference.GRADES)


def test_sources_list_escapes_and_keeps_one_country():
    ref = reference.load()
    html = briefing._url_list(ref, P.validate(countries=["South Korea"]))
    assert "bakademonews" not in html  # a Japanese record's source
    assert "kookbang.dema.mil.kr" in html
