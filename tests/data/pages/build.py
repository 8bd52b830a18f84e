# ruff: noqa: E501  (HTML templates: one line per element reads closer to the pages they copy)
"""Writes the extraction fixtures: <name>.html (an outlet's article template around our own text) and
<name>.expected.txt (the article's main text: standfirst, body, captions with photo credits, byline).

    uv run python tests/data/pages/build.py

Templates copy each outlet's markup as MANIFEST.md describes (class names, where the byline and the captions
sit, related boxes, share widgets, comment and newsletter forms); the words are ours (texts.py).
"""

from __future__ import annotations

import json
import sys
from html import escape as e
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from texts import BUS, FERRY, GARDEN, HARVEST, LIBRARY, MANGROVE, MAPS, RIVER, SCIENCE, SEED, Article  # noqa: E402

VI_MENU = ["Thời sự", "Thế giới", "Kinh doanh", "Giải trí", "Thể thao", "Pháp luật", "Giáo dục", "Sức khỏe"]
EN_MENU = ["World", "Business", "Politics", "Science", "Culture", "Sport", "Travel", "Opinion"]
VI_MOST_READ = [
    "Giá vàng hôm nay tăng mạnh sau nhiều phiên đi ngang trên thị trường trong nước",
    "Dự báo thời tiết cuối tuần: miền Bắc đón đợt không khí lạnh mới, nhiệt độ giảm sâu",
    "Những điểm mới trong kỳ thi tốt nghiệp trung học phổ thông năm nay mà thí sinh cần biết",
    "Đường sắt tốc độ cao sẽ đi qua những tỉnh thành nào theo phương án mới nhất",
    "Bí quyết giữ sức khỏe cho người cao tuổi trong mùa lạnh được bác sĩ khuyến cáo",
]
EN_MOST_READ = [
    "Markets rally as central bank signals a pause in interest rate rises this winter",
    "Storm warning issued for the east coast with gusts of up to ninety miles an hour",
    "Scientists find a new species of frog in a remote mountain forest after ten years",
    "The best free museums to visit this weekend, chosen by our culture writers",
    "Why thousands of commuters are switching from cars to bicycles in the city centre",
]


def page(lang: str, head: str, body: str) -> str:
    return f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n'


def head(a: Article, url: str, site: str, published: str, image: str, extra: str = "") -> str:
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title, "datePublished": published,
          "author": [{"@type": "Person", "name": a.byline}], "image": [image]}
    return (f"<title>{e(a.title)} - {site}</title>\n"
            f'<meta name="description" content="{e(a.sapo)}">\n'
            f'<meta property="og:title" content="{e(a.title)}">\n'
            f'<meta property="og:url" content="{e(url)}">\n'
            f'<meta property="og:image" content="{e(image)}">\n'
            f'<meta property="article:published_time" content="{published}">\n'
            f'<link rel="stylesheet" href="/css/site.css">\n'
            f'<script>window.dataLayer = window.dataLayer || []; var articleId = 4381438;</script>\n'
            f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>\n{extra}')


def menu(items: list[str], cls: str = "main-nav") -> str:
    lis = "".join(f'<li><a href="/{i}">{e(i)}</a></li>' for i in items)
    return f'<nav class="{cls}"><ul>{lis}</ul></nav>'


def most_read(items: list[str], title: str, cls: str = "box-most-read") -> str:
    lis = "".join(f'<li><a href="/bai-{n}.html"><h3>{e(t)}</h3></a></li>' for n, t in enumerate(items))
    return f'<div class="{cls}"><h2 class="box-title">{e(title)}</h2><ol>{lis}</ol></div>'


def paras(a: Article, cls: str = "", half: int | None = None) -> tuple[str, str]:
    """The body paragraphs split in two around the photo."""
    attr = f' class="{cls}"' if cls else ""
    ps = [f"<p{attr}>{e(p)}</p>" for p in a.paragraphs]
    cut = half if half is not None else 2
    return "\n".join(ps[:cut]), "\n".join(ps[cut:])


def expected(a: Article, caption_line: str, byline: str | None = None, with_sapo: bool = True,
             with_subhead: bool = False) -> str:
    lines = [a.sapo] if with_sapo else []
    body = list(a.paragraphs)
    lines += body[:2]
    lines.append(caption_line)
    if with_subhead and a.subhead:
        lines.append(a.subhead)
    lines += body[2:]
    lines.append(byline if byline is not None else a.byline)
    return "\n".join(lines) + "\n"


IMG = "https://cdn.example.org/2026/03/photo-{}.jpg"

# ------------------------------------------------------------------------------------------------- sites


def vnexpress() -> tuple[str, str]:
    a, url = LIBRARY, "https://vnexpress.net/thu-vien-cong-dong-mo-cua-o-phuong-ven-song-4381438.html"
    img = IMG.format("vne")
    first, rest = paras(a, "Normal")
    caption = f"{a.caption} Ảnh: {a.credit}"
    body = f"""<header class="section page-header"><a class="logo" href="/">VnExpress</a>{menu(VI_MENU)}</header>
<section class="section page-detail top-detail"><div class="container"><div class="sidebar-1">
<div class="header-content width_common"><ul class="breadcrumb"><li><a href="/thoi-su">Thời sự</a></li></ul>
<span class="date">Thứ bảy, 14/3/2026, 09:20 (GMT+7)</span></div>
<h1 class="title-detail">{e(a.title)}</h1>
<p class="description"><span class="location-stamp">Hà Nội</span>{e(a.sapo)}</p>
<article class="fck_detail ">
{first}
<figure class="tplCaption action_thumb_added" data-href=""><div class="action_thumb flexbox">
<a href="javascript:;" class="share_photo" data-type="fb">Facebook</a><a href="javascript:;" class="share_photo" data-type="tw">Twitter</a>
<a href="javascript:;" class="vne_zoom">Phóng to</a></div>
<div class="fig-picture"><picture><img alt="{e(a.alt)}" data-src="{img}" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></picture></div>
<figcaption><p class="Image">{e(a.caption)} Ảnh:<em> {e(a.credit)}</em></p></figcaption></figure>
{rest}
<ul class="list-news gaBoxLinkDisplay" data-campaign="Box-Related"><li><a href="/a-1.html" title="x">Hà Nội thêm hai thư viện số ở ngoại thành</a></li>
<li><a href="/a-2.html">Sách cũ tìm chủ mới trong ngày hội đổi sách</a></li></ul>
<div class="box-follow"><a href="https://www.google.com/preferences/source?q=vnexpress.net">Thêm VnExpress trên Google</a></div>
<p class="author_mail"><strong>{e(a.byline)}</strong><a class="email" href="javascript:;" id="send_mail_author"><i class="ic ic-email"></i></a></p>
</article>
<div class="width_common btn_guicauhoi_detail mb20">Mời độc giả gửi bài, câu hỏi <a href="/gui-bai-viet">tại đây</a></div>
<div class="footer-content width_common"><a href="/thoi-su" class="save back-folder">Trở lại Thời sự</a>
<div class="social"><span class="txt">Chia sẻ</span><a class="fb btn_share">Facebook</a><a class="share-link btn_copy" title="Copy link">Sao chép liên kết</a></div></div>
<div id="box_comment_vne" class="box_comment_vne"><h3>Ý kiến</h3><form><textarea placeholder="Ý kiến của bạn"></textarea><button>Gửi</button></form></div>
</div><div class="sidebar-2">{most_read(VI_MOST_READ, "Xem nhiều")}</div></div></section>
<footer class="footer"><p>Báo tiếng Việt nhiều người xem nhất. Thuộc Bộ Khoa học và Công nghệ. Số giấy phép: 548/GP-BTTTT.</p></footer>"""
    h = head(a, url, "VnExpress", "2026-03-14T09:20:00+07:00", img, '<meta name="pubdate" content="2026-03-14T09:20:00+07:00">')
    return page("vi", h, body), expected(a, caption, byline=a.byline).replace(a.sapo, "Hà Nội " + a.sapo, 1)


def e_vnexpress() -> tuple[str, str]:
    a, url = GARDEN, "https://e.vnexpress.net/news/news/neighbours-turn-an-empty-car-park-into-a-garden-4790001.html"
    img = IMG.format("evne")
    first, rest = paras(a, "Normal")
    caption = f"{a.caption} Photo by {a.credit}"
    body = f"""<header class="header">{menu(EN_MENU)}</header>
<div class="main_fck_detail"><div class="detail_top_news"><h1 class="title_post">{e(a.title)}</h1>
<div class="author">By <a href="/author/daniel">{e(a.byline)}</a> <span class="date">March 14, 2026 | 09:20 am GMT+7</span></div>
<span class="lead_post_detail row"><p>{e(a.sapo)}</p></span>
<div class="social_share"><a class="fb">Share</a><a class="tw">Tweet</a><a class="copy">Copy link</a></div></div>
<div class="fck_detail">
{first}
<table class="tplCaption"><tr><td><img alt="{e(a.alt)}" src="{img}"></td></tr>
<tr><td><p class="Image">{e(a.caption)} <em>Photo by {e(a.credit)}</em></p></td></tr></table>
<h2>{e(a.subhead)}</h2>
{rest}
<div class="box_related"><h3>Related news</h3><ul><li><a href="/r1">City plans more green spaces</a></li><li><a href="/r2">Allotment waiting lists grow</a></li></ul></div>
</div></div>
<div class="sidebar">{most_read(EN_MOST_READ, "Most read")}</div>
<footer>VnExpress International - Latest news, business, travel and analysis from Vietnam.</footer>"""
    exp = "\n".join([a.sapo, *a.paragraphs[:2], caption, a.subhead, *a.paragraphs[2:], a.byline]) + "\n"
    return page("en", head(a, url, "VnExpress International", "2026-03-14T09:20:00+07:00", img), body), exp


def _vcc(a: Article, url: str, site: str, img: str, author_html: str, after: str = "", related_type: str = "RelatedNewsBox",
         furniture: str = "") -> str:
    """VCCorp's CMS (tuoitre.vn, thanhnien.vn, baochinhphu.vn): detail-cmain / detail-content afcbc-body."""
    first, rest = paras(a)
    return f"""<div class="header">{menu(VI_MENU, "menu-nav")}</div>
<div class="detail-container"><div class="detail-top"><div class="detail-cate"><a href="/thoi-su.htm">Thời sự</a></div>
<div class="detail-time"><div data-role="publishdate">14/03/2026 09:20 GMT+7</div></div></div>
<h1 class="detail-title article-title" data-role="title">{e(a.title)}</h1>
<div class="detail-share"><a class="sharefb">Chia sẻ</a><a class="copy-link">Sao chép liên kết</a>
<div class="font-size-tool"><span>Chọn cỡ chữ</span><a>A-</a><a>A+</a></div></div>
<h2 class="detail-sapo" data-role="sapo">{e(a.sapo)}</h2>
<div class="detail-cmain"><div class="detail-content afcbc-body" data-role="content" itemprop="articleBody">
{first}
<figure class="VCSortableInPreviewMode" type="Photo"><div><a href="{img}" data-fancybox-group="img" rel="lightbox"><img src="{img}" alt="{e(a.alt)}" title="{e(a.alt)}" class="lightbox-content"></a></div>
<figcaption class="PhotoCMS_Caption"><p data-placeholder="Nhập chú thích ảnh">{e(a.caption)} - Ảnh: {e(a.credit)}</p></figcaption>
<div class="btn-fullscreen"><span>Xem toàn màn hình</span></div></figure>
{furniture}
<div class="VCSortableInPreviewMode" type="{related_type}"><div class="kbwscwl-relatedbox"><strong>Đọc thêm</strong><ul><li><a href="/r1.htm">Mở rộng mô hình sau thành công bước đầu</a></li><li><a href="/r2.htm">Nhiều địa phương học hỏi cách làm mới</a></li></ul></div></div>
{rest}
</div>
{author_html}
</div>
{after}
<div class="detail-tab"><a>Tin mới nhất</a><a>Tin đọc nhiều</a></div>
{most_read(VI_MOST_READ, "Tin đọc nhiều", "box-category-item")}
<div class="comment-wrapper"><div class="box-comment"><h3>Bình luận</h3><form><textarea>Bạn nghĩ gì về bài viết này?</textarea><button>Gửi bình luận</button></form></div></div>
</div>
<div class="footer"><p>Cơ quan chủ quản: {site}. Giấy phép hoạt động báo điện tử. Ghi rõ nguồn khi phát hành lại thông tin.</p></div>"""


def tuoitre() -> tuple[str, str]:
    a, url = HARVEST, "https://tuoitre.vn/hop-tac-xa-thu-nghiem-may-say-lua-20260314092012345.htm"
    img = IMG.format("tt")
    author = f'<div class="detail-author-bot"><div class="author-info"><a class="name" href="/tac-gia/thu-ha.htm">{e(a.byline)}</a></div></div>'
    body = _vcc(a, url, "Thành Đoàn TP.HCM", img, author,
                furniture='<div class="box-follow"><a href="https://news.google.com/">Theo dõi Tuổi Trẻ trên Google News</a></div>')
    return (page("vi", head(a, url, "Tuổi Trẻ Online", "2026-03-14T09:20:00+07:00", img), body),
            expected(a, f"{a.caption} - Ảnh: {a.credit}"))


def thanhnien() -> tuple[str, str]:
    a, url = RIVER, "https://thanhnien.vn/tinh-nguyen-vien-vot-rac-tren-kenh-185260314092012345.htm"
    img = IMG.format("tn")
    author = f'<div class="detail-author"><div class="author-info"><a class="name" href="/tac-gia/hoang-nam.htm">{e(a.byline)}</a></div></div>'
    body = _vcc(a, url, "Hội Liên hiệp Thanh niên Việt Nam", img, "", after=author, related_type="RelatedOneNews",
                furniture='<div class="box-google"><a href="https://www.google.com/preferences/source">Thêm Thanh Niên trên Google</a></div>')
    return (page("vi", head(a, url, "Báo Thanh Niên", "2026-03-14T09:20:00+07:00", img), body),
            expected(a, f"{a.caption} - Ảnh: {a.credit}"))


def baochinhphu() -> tuple[str, str]:
    a, url = BUS, "https://baochinhphu.vn/tuyen-xe-buyt-dien-noi-trung-tam-voi-khu-cong-nghiep-102260314092012345.htm"
    img = IMG.format("bcp")
    author = f'<div class="detail-author"><div class="name">{e(a.byline)}</div></div>'
    body = _vcc(a, url, "Văn phòng Chính phủ", img, author,
                furniture='<div class="detail-listen"><span>Nghe bài viết</span><audio src="/a.mp3"></audio></div>')
    return (page("vi", head(a, url, "Báo Điện tử Chính phủ", "2026-03-14T09:20:00+07:00", img), body),
            expected(a, f"{a.caption} - Ảnh: {a.credit}"))


def dantri() -> tuple[str, str]:
    a, url = SCIENCE, "https://dantri.com.vn/giao-duc/hoc-sinh-truong-lang-gianh-giai-20260314092012345.htm"
    img = IMG.format("dt")
    first, rest = paras(a)
    body = f"""<header class="header">{menu(VI_MENU, "menu-wrap")}</header>
<main class="body"><div class="grid-container"><article class="singular-container">
<ul class="dt-breadcrumb"><li><a href="/giao-duc.htm">Giáo dục</a></li></ul>
<h1 class="title-page detail">{e(a.title)}</h1>
<div class="author-wrap"><div class="author-avatar"><img src="/avatar.png" alt=""></div><div class="author-meta">
<div class="author-name"><a href="/tac-gia/thanh-tam.htm"><b>{e(a.byline)}</b></a></div>
<time class="author-time" datetime="2026-03-14 09:20">Thứ bảy, 14/03/2026 - 09:20</time></div>
<div class="author-follow"><a>Thêm Dân trí trên Google</a></div></div>
<div class="singular-share"><a>Chia sẻ</a><a>Sao chép liên kết</a></div>
<h2 class="singular-sapo">(Dân trí) - {e(a.sapo)}</h2>
<div class="singular-content">
{first}
<figure class="image align-center" contenteditable="false"><img title="{e(a.alt)}" src="{img}" alt="{e(a.alt)}" data-width="1600">
<figcaption><p>{e(a.caption)} (Ảnh: {e(a.credit)}).</p></figcaption></figure>
<div class="zoom-toolbar"><span>Xem toàn màn hình</span></div>
{rest}
<article class="article-related"><h3 class="article-title"><a href="/r1.htm">Học sinh vùng khó sáng tạo thiết bị tưới cây tự động</a></h3></article>
</div>
<div class="dt-news__listen"><span>Nghe đọc bài</span></div>
</article>
<aside class="sidebar">{most_read(VI_MOST_READ, "Đọc nhiều")}</aside></div></main>
<div class="comment-box"><h3>Bình luận (0)</h3><form><textarea placeholder="Chia sẻ ý kiến của bạn"></textarea></form></div>
<footer class="footer"><p>Báo Dân trí. Cơ quan chủ quản: Bộ Nội vụ.</p></footer>"""
    exp = expected(a, f"{a.caption} (Ảnh: {a.credit}).").replace(a.sapo, "(Dân trí) - " + a.sapo, 1)
    return page("vi", head(a, url, "Báo Dân trí", "2026-03-14T09:20:00+07:00", img), body), exp


def _zce(a: Article, url: str, img: str, sapo_tag: str, author_html: str, site: str, related_cls: str) -> str:
    """The CMS of nhandan.vn, vietnamplus.vn, tienphong.vn: article__body zce-content-body cms-body."""
    first, rest = paras(a)
    return f"""<header class="site-header">{menu(VI_MENU, "menu")}</header>
<div class="main-col content-col"><div class="article">
<div class="breadcrumbs"><a href="/chinhtri/">Chính trị</a></div>
<h1 class="article__title cms-title">{e(a.title)}</h1>
<div class="article__meta">{author_html}<time class="time" datetime="2026-03-14T09:20:00+0700">Thứ Bảy, 14/03/2026 09:20</time></div>
<div class="article__social"><a class="facebook">Chia sẻ</a><a class="copy">Sao chép liên kết</a><a class="print">In bài viết</a></div>
<{sapo_tag} class="article__sapo cms-desc">{e(a.sapo)}</{sapo_tag}>
<div class="article__body zce-content-body cms-body" itemprop="articleBody">
{first}
<table class="picture" align="center"><tbody><tr><td class="pic"><img data-src="{img}" src="{img}" alt="{e(a.alt)}" class="cms-photo"></td></tr>
<tr><td class="caption"><p>{e(a.caption)} (Ảnh: {e(a.credit)})</p></td></tr></tbody></table>
<div class="box-google-news"><a>Theo dõi {site} trên Google News</a></div>
{rest}
<div class="{related_cls}"><h3>Tin liên quan</h3><ul><li><a href="/r1.html">Nhiều mô hình hay được nhân rộng trong năm nay</a></li>
<li><a href="/r2.html">Địa phương đẩy mạnh chuyển đổi số trong quản lý</a></li></ul></div>
</div>
<div class="article__tag"><a>Chuyển đổi số</a><a>Đời sống</a></div>
</div></div>
<div class="sub-col">{most_read(VI_MOST_READ, "Đọc nhiều")}</div>
<div class="newsletter"><h3>Đăng ký nhận bản tin</h3><form><input type="email" placeholder="Email của bạn"><button>Đăng ký</button></form></div>
<footer class="site-footer"><p>{site}. Ghi rõ nguồn khi phát hành lại thông tin từ website này.</p></footer>"""


def nhandan() -> tuple[str, str]:
    a, url = BUS, "https://nhandan.vn/tuyen-xe-buyt-dien-noi-trung-tam-post871234.html"
    img = IMG.format("nd")
    author = f'<div class="article__author"><span class="name cms-author">{e(a.byline)}</span></div>'
    body = _zce(a, url, img, "div", author, "Nhân Dân", "article__relate")
    return (page("vi", head(a, url, "Báo Nhân Dân", "2026-03-14T09:20:00+07:00", img), body),
            expected(a, f"{a.caption} (Ảnh: {a.credit})"))


def vietnamplus() -> tuple[str, str]:
    a, url = HARVEST, "https://www.vietnamplus.vn/hop-tac-xa-thu-nghiem-may-say-lua-post1012345.vnp"
    img = IMG.format("vnp")
    author = f'<span class="author cms-author">{e(a.byline)}</span>'
    body = _zce(a, url, img, "h2", author, "VietnamPlus", "box-related")
    return (page("vi", head(a, url, "VietnamPlus", "2026-03-14T09:20:00+07:00", img), body),
            expected(a, f"{a.caption} (Ảnh: {a.credit})"))


def tienphong() -> tuple[str, str]:
    a, url = LIBRARY, "https://tienphong.vn/thu-vien-cong-dong-mo-cua-post1712345.tpo"
    img = IMG.format("tp")
    author = f'<div class="article__author"><span class="name cms-author">{e(a.byline)}</span></div>'
    body = _zce(a, url, img, "div", author, "Tiền Phong", "article-relate")
    return (page("vi", head(a, url, "Báo Tiền Phong", "2026-03-14T09:20:00+07:00", img), body),
            expected(a, f"{a.caption} (Ảnh: {a.credit})"))


def vov() -> tuple[str, str]:
    a, url = SCIENCE, "https://vov.vn/xa-hoi/hoc-sinh-truong-lang-gianh-giai-post1123456.vov"
    img = IMG.format("vov")
    first, rest = paras(a)
    body = f"""<header>{menu(VI_MENU, "main-menu")}</header>
<div class="layout-content"><div class="article-content">
<h1 class="article-title">{e(a.title)}</h1>
<div class="article-date">Thứ Bảy, 09:20, 14/03/2026</div>
<div class="article-tools"><span>Chọn cỡ chữ</span><a>A</a><a>A+</a><a>In bài</a></div>
<div class="social-share"><a>Chia sẻ</a></div>
<div class="article-summary"><p>VOV.VN - {e(a.sapo)}</p></div>
<div class="text-long">
{first}
<div class="article-image"><img src="{img}" alt="{e(a.alt)}"><div class="article-image-caption">{e(a.caption)} Ảnh: {e(a.credit)}</div></div>
<p><a class="fullscreen-link">Xem toàn màn hình</a></p>
{rest}
<div class="related-news"><h3>Tin liên quan</h3><ul><li><a href="/r1.vov">Sân chơi khoa học cho học sinh nông thôn</a></li></ul></div>
<p class="author"><strong>{e(a.byline)}/VOV.VN</strong></p>
</div>
<div class="article-tags"><a>giáo dục</a><a>khoa học</a></div>
</div>
<div class="sidebar">{most_read(VI_MOST_READ, "Đọc nhiều")}</div></div>
<div class="comments"><h3>Gửi bình luận</h3><form><textarea></textarea></form></div>
<footer><p>Đài Tiếng nói Việt Nam. Giấy phép số 1006/GP-BTTTT.</p></footer>"""
    exp = expected(a, f"{a.caption} Ảnh: {a.credit}", byline=f"{a.byline}/VOV.VN").replace(a.sapo, "VOV.VN - " + a.sapo, 1)
    return page("vi", head(a, url, "VOV.VN", "2026-03-14T09:20:00+07:00", img), body), exp


def dangcongsan() -> tuple[str, str]:
    a, url = RIVER, "https://dangcongsan.vn/xa-hoi/tinh-nguyen-vien-vot-rac-tren-kenh-712345.html"
    img = IMG.format("dcs")
    first, rest = paras(a)
    body = f"""<div id="header">{menu(VI_MENU, "menu-top")}</div>
<div class="main-content"><div class="post-detail">
<h1 class="post-title">{e(a.title)}</h1>
<span class="post-date">Thứ Bảy, 14/03/2026 09:20</span>
<div class="box-font"><span>Cỡ chữ</span><a>A-</a><a>A+</a></div>
<div class="post-summary"><strong>{e(a.sapo)}</strong></div>
<div class="post-content">
{first}
<table class="image center"><tr><td><img src="{img}" alt="{e(a.alt)}"></td></tr><tr><td class="image_desc">{e(a.caption)} (Ảnh: {e(a.credit)})</td></tr></table>
{rest}
<p style="text-align:right"><strong>{e(a.byline)}</strong></p>
</div>
<div class="post-share"><a>Chia sẻ</a><a>In bài</a></div>
<div class="post-related"><h3>Các tin khác</h3><ul><li><a href="/r1.html">Phong trào bảo vệ môi trường lan rộng tại nhiều khu dân cư</a></li>
<li><a href="/r2.html">Ra quân làm sạch kênh rạch dịp đầu xuân</a></li></ul></div>
</div><div class="sidebar">{most_read(VI_MOST_READ, "Tin đọc nhiều")}</div></div>
<div id="footer"><p>Báo điện tử Đảng Cộng sản Việt Nam. Giấy phép số 1244/GP-BTTTT.</p></div>"""
    return (page("vi", head(a, url, "Báo điện tử Đảng Cộng sản Việt Nam", "2026-03-14T09:20:00+07:00", img), body),
            expected(a, f"{a.caption} (Ảnh: {a.credit})"))


def noichinh() -> tuple[str, str]:
    a = SEED
    url = ("https://noichinh.vn/tin-tuc-su-kien/tin-trung-uong/202203/khao-sat-ve-viec-thuc-hien-doi-moi-phuong-thuc-"
           "lanh-dao-cua-dang-tai-dang-bo-thanh-pho-hai-phong-310758/")
    img = "https://noichinh.vn/Uploaded/2022_03_25/toan-canh.jpg"
    ps = [f"<p>{e(p)}</p>" for p in a.paragraphs]
    body = f"""<div class="header">{menu(["Tin tức sự kiện", "Phòng chống tham nhũng", "Cải cách tư pháp", "Văn bản"], "menu")}</div>
<div class="main"><div class="news-detail">
<h1 class="news-title">{e(a.title)}</h1>
<div class="news-date">Thứ Sáu, 25/03/2022, 15:48 [GMT+7]</div>
<div class="news-tools"><a>In bài viết</a><a>Gửi email</a><span>Cỡ chữ</span><a>A-</a><a>A+</a></div>
<div class="news-content">
<p><strong>{e(a.sapo)}</strong></p>
<table class="tplCaption" align="center"><tr><td><img src="{img}" alt="{e(a.alt)}"></td></tr><tr><td class="Image">{e(a.caption)}</td></tr></table>
{chr(10).join(ps)}
<p style="text-align: right;"><strong>{e(a.byline)}</strong></p>
</div>
<div class="news-share"><a>Chia sẻ</a><a>Bình luận</a></div>
<div class="news-related"><h3>Các tin khác</h3><ul><li><a href="/r1/">Hội nghị sơ kết công tác nội chính quý I</a></li><li><a href="/r2/">Đoàn công tác làm việc tại tỉnh Quảng Ninh</a></li></ul></div>
</div></div>
<div class="footer"><p>Tạp chí Nội chính. Cơ quan của Ban Nội chính Trung ương.</p></div>"""
    exp = "\n".join([a.sapo, a.caption, *a.paragraphs, a.byline]) + "\n"
    return page("vi", head(a, url, "Nội chính", "2022-03-25T15:48:00+07:00", img), body), exp


def bbc_vietnamese() -> tuple[str, str]:
    a, url = HARVEST, "https://www.bbc.com/vietnamese/articles/c1234567890o"
    img = IMG.format("bbcvi")
    first, rest = paras(a, "bbc-hhl7in e17g058b0")
    body = f"""<header role="banner"><a href="/vietnamese">BBC News Tiếng Việt</a>{menu(["Trang chủ", "Việt Nam", "Thế giới", "Kinh tế", "Video"])}</header>
<div class="bbc-1ff36h2"><main role="main" class="bbc-fa0wmp">
<div class="bbc-1151pbn"><h1 id="content" tabindex="-1" class="bbc-14gqcmb">{e(a.title)}</h1></div>
<section aria-labelledby="article-byline" role="region"><ul class="bbc-1o8x8q5"><li><span class="byline-name bbc-xdhd3j">{e(a.byline)}</span></li><li>BBC News Tiếng Việt</li></ul></section>
<time datetime="2026-03-14" class="bbc-1dafq0j">14 tháng 3 2026</time>
<div dir="ltr" class="bbc-19j92fr"><p class="bbc-hhl7in"><b>{e(a.sapo)}</b></p></div>
<div dir="ltr" class="bbc-19j92fr">{first}</div>
<figure class="bbc-1qn0xuy"><div class="bbc-189y18v"><img alt="{e(a.alt)}" src="{img}" width="976" class="bbc-139onq"><p class="bbc-1adfhpn" role="text"><span class="bbc-m04vo2">Nguồn hình ảnh, </span>{e(a.credit)}</p></div>
<figcaption class="bbc-1n84ooz"><span class="bbc-m04vo2">Chú thích hình ảnh, </span><p class="bbc-hhl7in">{e(a.caption)}</p></figcaption></figure>
<div dir="ltr" class="bbc-19j92fr">{rest}</div>
<div data-e2e="share"><a>Chia sẻ</a><a>Sao chép liên kết</a></div>
<section aria-labelledby="related-content-heading" role="region"><h2 id="related-content-heading">Tin liên quan</h2>
<ul><li><a href="/vietnamese/r1">Nông dân miền Tây thích ứng với hạn mặn</a></li><li><a href="/vietnamese/r2">Giá lúa gạo tăng mạnh đầu năm</a></li></ul></section>
</main>
<section aria-labelledby="top-stories-heading"><h2 id="top-stories-heading">Tin chính</h2>{most_read(VI_MOST_READ, "Đọc nhiều nhất")}</section></div>
<footer role="contentinfo"><p>© 2026 BBC. BBC không chịu trách nhiệm về nội dung các trang bên ngoài.</p></footer>"""
    exp = "\n".join([a.byline, "BBC News Tiếng Việt", a.sapo, *a.paragraphs[:2], f"Nguồn hình ảnh, {a.credit}",
                     f"Chú thích hình ảnh, {a.caption}", *a.paragraphs[2:]]) + "\n"
    return page("vi", head(a, url, "BBC News Tiếng Việt", "2026-03-14T00:00:00+00:00", img), body), exp


def bbc_news() -> tuple[str, str]:
    a, url = FERRY, "https://www.bbc.com/news/articles/c9876543210o"
    img = IMG.format("bbc")
    tb = [f'<div data-component="text-block" class="sc-18fde0d6-0"><p class="sc-eb7bd5f6-0">{e(p)}</p></div>' for p in a.paragraphs]
    body = f"""<header data-testid="header-content">{menu(EN_MENU)}</header>
<div id="main-wrapper"><main id="main-content"><article>
<div data-component="headline-block"><h1 class="sc-518485e5-0">{e(a.title)}</h1></div>
<div data-component="byline-block"><time datetime="2026-03-14T09:20:00.000Z">14 March 2026</time>
<div><span data-testid="byline-name" class="sc-b42e7a8f-7">{e(a.byline)}</span><div>BBC News</div></div></div>
<div data-component="share"><button>Share</button><button>Save</button></div>
<div data-component="text-block"><p><b>{e(a.sapo)}</b></p></div>
{tb[0]}{tb[1]}
<div data-component="image-block"><figure><img src="{img}" alt="{e(a.alt)}"><span class="sc-a34861b-1">{e(a.credit)}</span>
<figcaption class="sc-8a623a54-0">{e(a.caption)}</figcaption></figure></div>
<div data-component="subheadline-block"><h2>{e(a.subhead)}</h2></div>
{"".join(tb[2:])}
<div data-component="links-block"><h2>Related</h2><ul><li><a href="/news/r1">Storm damages piers along the coast</a></li><li><a href="/news/r2">Islanders count the cost of ferry delays</a></li></ul></div>
<div data-component="tags"><a>Ferries</a><a>Islands</a></div>
</article></main>
<section data-testid="more-from">{most_read(EN_MOST_READ, "More from the BBC")}</section></div>
<footer data-testid="footer"><p>Copyright 2026 BBC. All rights reserved. The BBC is not responsible for the content of external sites.</p></footer>"""
    exp = "\n".join([a.sapo, *a.paragraphs[:2], a.credit, a.caption, a.subhead, *a.paragraphs[2:], a.byline]) + "\n"
    return page("en", head(a, url, "BBC News", "2026-03-14T09:20:00+00:00", img), body), exp


def guardian() -> tuple[str, str]:
    a, url = MAPS, "https://www.theguardian.com/culture/2026/mar/14/museum-restored-river-maps"
    img = IMG.format("gu")
    ps = [f'<p class="dcr-s3ycb2">{e(p)}</p>' for p in a.paragraphs]
    body = f"""<header data-component="nav">{menu(EN_MENU)}</header>
<main data-layout="StandardLayout"><article>
<div data-gu-name="headline"><h1>{e(a.title)}</h1></div>
<div data-gu-name="standfirst"><p>{e(a.sapo)}</p></div>
<div data-gu-name="meta"><address><a rel="author" href="/profile/sarah-okafor">{e(a.byline)}</a></address>
<details><summary>Sat 14 Mar 2026 09.20 GMT</summary></details><div class="share"><a>Share</a></div></div>
<div id="maincontent"><div class="article-body-commercial-selector article-body-viewer-selector">
{ps[0]}{ps[1]}
<figure data-spacefinder-role="inline"><div><img src="{img}" alt="{e(a.alt)}"></div>
<figcaption><span>{e(a.caption)}</span> Photograph: {e(a.credit)}</figcaption></figure>
<h2 id="lost-villages">{e(a.subhead)}</h2>
{"".join(ps[2:])}
<aside data-gu-name="newsletter"><p>Sign up to Art Weekly newsletter</p><p>Your weekly art world round-up, sketching out all the biggest stories.</p><form><input type="email"><button>Sign up</button></form></aside>
</div></div>
<div data-print-layout="hide"><h2>More on this story</h2><ul><li><a href="/r1">Hidden archive reveals lost canal plans</a></li><li><a href="/r2">The river that moved a town</a></li></ul></div>
</article></main>
<section>{most_read(EN_MOST_READ, "Most viewed")}</section>
<div id="comments"><h2>Comments (12)</h2><p>Sign in or create your Guardian account to join the discussion.</p></div>
<footer><p>© 2026 Guardian News &amp; Media Limited or its affiliated companies. All rights reserved.</p></footer>"""
    exp = "\n".join([a.sapo, *a.paragraphs[:2], f"{a.caption} Photograph: {a.credit}", a.subhead,
                     *a.paragraphs[2:], a.byline]) + "\n"
    return page("en", head(a, url, "The Guardian", "2026-03-14T09:20:00+00:00", img), body), exp


def npr() -> tuple[str, str]:
    a, url = MANGROVE, "https://www.npr.org/2026/03/14/1234567890/coastal-villagers-plant-mangroves"
    img = IMG.format("npr")
    ps = [f"<p>{e(p)}</p>" for p in a.paragraphs]
    body = f"""<header id="globalheader">{menu(EN_MENU)}</header>
<main><article class="story"><div class="storytitle"><h1>{e(a.title)}</h1></div>
<div id="story-meta"><div id="storybyline"><p class="byline__name byline__name--block"><a href="/people/ana-lima">{e(a.byline)}</a></p></div>
<time datetime="2026-03-14T09:20:00-04:00">March 14, 2026 9:20 AM ET</time></div>
<div class="share-tools"><a>Facebook</a><a>Flipboard</a><a>Email</a></div>
<div id="storytext" class="storytext storylocation linkLocation">
<div class="bucketwrap image large"><div class="imagewrap"><img src="{img}" alt="{e(a.alt)}"></div>
<div class="credit-caption"><div class="caption-wrap"><div class="caption"><p>{e(a.caption)}</p></div></div>
<b class="toggle-caption">toggle caption</b><span class="credit">{e(a.credit)}/NPR</span></div>
<div class="enlarge-options"><button>Enlarge this image</button></div></div>
<p>{e(a.sapo)}</p>
{ps[0]}{ps[1]}
<aside class="bucketwrap internallink"><h3>Related Story</h3><a href="/r1">Sea level rise threatens fishing towns</a></aside>
<h3>{e(a.subhead)}</h3>
{"".join(ps[2:])}
</div>
<div class="newsletter-acquisition"><h3>Sign up for the Up First newsletter</h3><p>Get the news you need to start your day.</p><form><input type="email"></form></div>
</article></main>
<aside>{most_read(EN_MOST_READ, "More Stories From NPR")}</aside>
<footer><p>© 2026 npr. Terms of Use. Privacy. Sponsorship.</p></footer>"""
    exp = "\n".join([a.caption, f"{a.credit}/NPR", a.sapo, *a.paragraphs[:2], a.subhead, *a.paragraphs[2:],
                     a.byline]) + "\n"
    return page("en", head(a, url, "NPR", "2026-03-14T13:20:00+00:00", img), body), exp


def un_news() -> tuple[str, str]:
    a, url = GARDEN, "https://news.un.org/en/story/2026/03/1160001"
    img = IMG.format("un")
    ps = [f"<p>{e(p)}</p>" for p in a.paragraphs]
    body = f"""<header class="header">{menu(["Home", "Peace and Security", "Economic Development", "Humanitarian Aid", "Climate"])}</header>
<main><article class="node node--type-news-story">
<h1 class="node__title">{e(a.title)}</h1>
<div class="field--name-field-news-story-lead"><p>{e(a.sapo)}</p></div>
<time datetime="2026-03-14T12:00:00Z">14 March 2026</time><div class="field--name-field-news-topics"><a>Climate and Environment</a></div>
<div class="field--name-field-image"><img src="{img}" alt="{e(a.alt)}"><div class="field--name-field-image-caption"><p>{e(a.caption)} UN News/{e(a.credit)}</p></div></div>
<div class="addtoany"><a>Facebook</a><a>Twitter</a><a>Print</a><a>Email</a></div>
<div class="field--name-field-text-column">
{ps[0]}{ps[1]}
<h3>{e(a.subhead)}</h3>
{"".join(ps[2:])}
</div>
<div class="field--name-field-related-stories"><h2>Related Stories</h2><ul><li><a href="/r1">Cities turn to urban farming</a></li></ul></div>
</article></main>
<div class="newsletter"><h2>Subscribe to UN News</h2><form><input type="email"></form></div>
<footer><p>UN News. Global perspective Human stories.</p></footer>"""
    exp = "\n".join([a.sapo, *a.paragraphs[:2], a.subhead, *a.paragraphs[2:]]) + "\n"
    return page("en", head(a, url, "UN News", "2026-03-14T12:00:00+00:00", img), body), exp


def aljazeera() -> tuple[str, str]:
    a, url = MANGROVE, "https://www.aljazeera.com/news/2026/3/14/coastal-villagers-plant-mangroves"
    img = IMG.format("aj")
    ps = [f"<p>{e(p)}</p>" for p in a.paragraphs]
    body = f"""<header class="site-header">{menu(EN_MENU)}</header>
<main id="main-content-area"><header class="article-header"><h1>{e(a.title)}</h1>
<p class="article__subhead"><em>{e(a.sapo)}</em></p></header>
<div class="article-info-block"><div class="article-author-name"><a href="/author/ana_lima">{e(a.byline)}</a></div>
<div class="date-simple"><span>Published On 14 Mar 2026</span></div></div>
<div class="article-social"><a>Share</a><a>Save</a><a>Click here to share on social media</a></div>
<figure class="article-featured-image"><img src="{img}" alt="{e(a.alt)}"><figcaption>{e(a.caption)} [{e(a.credit)}/Al Jazeera]</figcaption></figure>
<div class="wysiwyg wysiwyg--all-content">
{ps[0]}{ps[1]}
<div class="more-on"><h2>Recommended Stories</h2><ul><li><a href="/r1">Sea walls or forests? Villages weigh the options</a></li><li><a href="/r2">Fishermen adapt to warming waters</a></li></ul></div>
<h2>{e(a.subhead)}</h2>
{"".join(ps[2:])}
<div class="article-newsletter-slot"><h2>Sign up for Al Jazeera</h2><p>Weekly Newsletter</p><form><input type="email"></form></div>
</div></main>
<aside>{most_read(EN_MOST_READ, "Most Read")}</aside>
<footer><p>© 2026 Al Jazeera Media Network</p></footer>"""
    exp = "\n".join([a.sapo, *a.paragraphs[:2], a.subhead, *a.paragraphs[2:], a.byline]) + "\n"
    return page("en", head(a, url, "Al Jazeera", "2026-03-14T09:20:00+00:00", img), body), exp


SITES = {
    "vnexpress": (vnexpress, "https://vnexpress.net/thu-vien-cong-dong-mo-cua-o-phuong-ven-song-4381438.html"),
    "e_vnexpress": (e_vnexpress, "https://e.vnexpress.net/news/news/neighbours-turn-an-empty-car-park-into-a-garden-4790001.html"),
    "tuoitre": (tuoitre, "https://tuoitre.vn/hop-tac-xa-thu-nghiem-may-say-lua-20260314092012345.htm"),
    "thanhnien": (thanhnien, "https://thanhnien.vn/tinh-nguyen-vien-vot-rac-tren-kenh-185260314092012345.htm"),
    "baochinhphu": (baochinhphu, "https://baochinhphu.vn/tuyen-xe-buyt-dien-noi-trung-tam-voi-khu-cong-nghiep-102260314092012345.htm"),
    "dantri": (dantri, "https://dantri.com.vn/giao-duc/hoc-sinh-truong-lang-gianh-giai-20260314092012345.htm"),
    "nhandan": (nhandan, "https://nhandan.vn/tuyen-xe-buyt-dien-noi-trung-tam-post871234.html"),
    "vietnamplus": (vietnamplus, "https://www.vietnamplus.vn/hop-tac-xa-thu-nghiem-may-say-lua-post1012345.vnp"),
    "tienphong": (tienphong, "https://tienphong.vn/thu-vien-cong-dong-mo-cua-post1712345.tpo"),
    "vov": (vov, "https://vov.vn/xa-hoi/hoc-sinh-truong-lang-gianh-giai-post1123456.vov"),
    "dangcongsan": (dangcongsan, "https://dangcongsan.vn/xa-hoi/tinh-nguyen-vien-vot-rac-tren-kenh-712345.html"),
    "noichinh": (noichinh, "https://noichinh.vn/tin-tuc-su-kien/tin-trung-uong/202203/khao-sat-ve-viec-thuc-hien-doi-moi-phuong-thuc-lanh-dao-cua-dang-tai-dang-bo-thanh-pho-hai-phong-310758/"),
    "bbc_vietnamese": (bbc_vietnamese, "https://www.bbc.com/vietnamese/articles/c1234567890o"),
    "bbc_news": (bbc_news, "https://www.bbc.com/news/articles/c9876543210o"),
    "guardian": (guardian, "https://www.theguardian.com/culture/2026/mar/14/museum-restored-river-maps"),
    "npr": (npr, "https://www.npr.org/2026/03/14/1234567890/coastal-villagers-plant-mangroves"),
    "un_news": (un_news, "https://news.un.org/en/story/2026/03/1160001"),
    "aljazeera": (aljazeera, "https://www.aljazeera.com/news/2026/3/14/coastal-villagers-plant-mangroves"),
}


def main() -> None:
    urls = {}
    for name, (build, url) in SITES.items():
        html, exp = build()
        (HERE / f"{name}.html").write_text(html, "utf-8")
        (HERE / f"{name}.expected.txt").write_text(exp, "utf-8")
        urls[name] = url
    (HERE / "urls.json").write_text(json.dumps(urls, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {len(SITES)} fixtures to {HERE}")


if __name__ == "__main__":
    main()
