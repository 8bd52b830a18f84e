"""Article texts for the extraction fixtures. Written for this project (CC0), except SEED, which is the seed
article of ../shared/seed/article.txt (noichinh.vn, 25/03/2022) as the project already publishes it.

Each article: title, sapo (standfirst), paragraphs, one photo (alt, caption, credit) and a byline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Article:
    title: str
    sapo: str
    paragraphs: tuple[str, ...]
    alt: str
    caption: str
    credit: str
    byline: str
    subhead: str = ""


LIBRARY = Article(
    title="Thư viện cộng đồng mở cửa ở phường ven sông",
    sapo="Sau hai năm cải tạo, nhà kho cũ bên bến đò được chuyển thành thư viện mở cửa miễn phí cho mọi lứa tuổi.",
    paragraphs=(
        "Sáng thứ bảy, hàng trăm người dân phường Bến Gỗ xếp hàng trước căn nhà kho sơn màu vàng nhạt để nhận thẻ "
        "đọc đầu tiên. Thư viện có hơn mười hai nghìn đầu sách, một góc đọc cho thiếu nhi và một phòng máy tính "
        "được nối mạng để học sinh làm bài tập sau giờ học.",
        "Theo ban quản lý, phần lớn sách do các gia đình trong khu phố quyên góp. Những cuốn còn thiếu như từ điển, "
        "sách tham khảo và truyện tranh khoa học được mua bằng kinh phí từ quỹ khuyến học của phường trong hai năm.",
        "Bà Lê Thị Hạnh, người đã sống cạnh bến đò hơn bốn mươi năm, cho biết trước đây bà phải đi xe buýt gần một "
        "giờ để mượn sách cho cháu. Giờ đây hai bà cháu chỉ cần đi bộ năm phút là có chỗ ngồi đọc mát mẻ.",
        "Thư viện mở cửa từ tám giờ sáng đến tám giờ tối mỗi ngày, trừ thứ hai. Mỗi cuối tuần, các tình nguyện viên "
        "là sinh viên sư phạm tổ chức giờ kể chuyện cho trẻ em và lớp hướng dẫn người cao tuổi dùng điện thoại.",
        "Ban quản lý dự kiến mở thêm một phòng đọc báo và một khu trưng bày ảnh về lịch sử bến đò vào cuối năm, "
        "khi phần mái phía sau nhà kho được sửa xong.",
    ),
    alt="Người dân xếp hàng nhận thẻ đọc trước thư viện",
    caption="Người dân xếp hàng nhận thẻ đọc trong ngày đầu thư viện mở cửa.",
    credit="Minh An",
    byline="Minh An",
)

HARVEST = Article(
    title="Hợp tác xã thử nghiệm máy sấy lúa dùng năng lượng mặt trời",
    sapo="Mười hai hộ nông dân ở xã Tân Phú góp vốn lắp hệ thống sấy lúa chạy bằng tấm pin mặt trời, "
         "giảm chi phí sấy gần một nửa trong vụ đông xuân.",
    paragraphs=(
        "Hệ thống gồm hai lò sấy đặt trong nhà xưởng rộng khoảng ba trăm mét vuông, mái lợp tấm pin mặt trời. "
        "Vào những ngày nắng, điện từ mái đủ chạy quạt và băng chuyền, chỉ khi trời âm u mới cần dùng điện lưới.",
        "Ông Trần Văn Lộc, giám đốc hợp tác xã, cho biết trước đây các hộ phải phơi lúa trên sân xi măng và mặt "
        "đường. Gặp mưa trái mùa, lúa bị ẩm mốc, thương lái ép giá xuống thấp.",
        "Sau vụ đầu tiên, độ ẩm của lúa sau sấy đồng đều hơn và tỷ lệ gạo gãy khi xay xát giảm rõ rệt. Hợp tác xã "
        "tính toán chi phí sấy mỗi tấn lúa giảm từ khoảng hai trăm nghìn đồng xuống còn hơn một trăm nghìn đồng.",
        "Cán bộ khuyến nông huyện đánh giá mô hình phù hợp với những vùng có nắng nhiều và diện tích lúa tập "
        "trung. Tuy vậy, vốn đầu tư ban đầu còn cao nên cần thêm các gói vay ưu đãi để nhân rộng.",
        "Trong vụ hè thu tới, hợp tác xã dự định nhận sấy thuê cho các hộ lân cận với giá thấp hơn lò sấy đốt "
        "trấu truyền thống trong vùng.",
    ),
    alt="Lò sấy lúa dưới mái pin mặt trời",
    caption="Lò sấy lúa đặt dưới mái lợp tấm pin mặt trời của hợp tác xã.",
    credit="Thu Hà",
    byline="Thu Hà",
)

RIVER = Article(
    title="Tình nguyện viên vớt rác trên kênh Nhiêu Lộc mỗi sáng chủ nhật",
    sapo="Nhóm tình nguyện viên gồm sinh viên và người dân quanh kênh duy trì việc vớt rác mỗi tuần suốt ba năm qua.",
    paragraphs=(
        "Từ sáu giờ sáng chủ nhật, khoảng ba mươi người mặc áo xanh chia thành từng tổ, người chèo xuồng, người "
        "đứng trên bờ dùng vợt cán dài gom túi ni lông, chai nhựa và lục bình trôi dạt.",
        "Anh Phạm Quốc Bảo, trưởng nhóm, kể những buổi đầu nhóm chỉ có năm người và một chiếc xuồng mượn. Nhờ "
        "chia sẻ hình ảnh trên mạng xã hội, ngày càng nhiều người đến tham gia, có cả các gia đình dẫn theo con nhỏ.",
        "Rác sau khi vớt được phân loại ngay trên bờ. Chai nhựa và lon nhôm được bán lại cho cơ sở tái chế, số tiền "
        "thu được dùng mua găng tay, áo phao và nước uống cho các buổi sau.",
        "Theo nhóm, lượng rác vớt được mỗi buổi đã giảm từ hơn một tấn xuống còn khoảng ba trăm ký. Người dân sống "
        "ven kênh cũng ít xả rác xuống nước hơn khi thấy hàng tuần có người dọn.",
        "Nhóm mong muốn phối hợp với các trường học để đưa học sinh tham gia, coi đây là một bài học thực tế về "
        "bảo vệ môi trường nước trong thành phố.",
    ),
    alt="Tình nguyện viên chèo xuồng vớt rác trên kênh",
    caption="Tình nguyện viên chèo xuồng vớt rác trên kênh vào sáng chủ nhật.",
    credit="Quốc Bảo",
    byline="Hoàng Nam",
)

SCIENCE = Article(
    title="Học sinh trường làng giành giải với máy lọc nước từ vỏ dừa",
    sapo="Hai học sinh lớp chín dùng than hoạt tính làm từ vỏ dừa để chế tạo bộ lọc nước giá rẻ cho vùng ngập mặn.",
    paragraphs=(
        "Ý tưởng bắt đầu từ mùa khô năm ngoái, khi giếng nhà Nguyễn Thị Mai bị nhiễm mặn và cả xóm phải mua nước "
        "bình. Mai cùng bạn cùng lớp là Đỗ Minh Khôi tìm cách tận dụng vỏ dừa bỏ đi trong vườn để lọc nước.",
        "Hai em đốt vỏ dừa trong thùng kín để làm than, sau đó xếp xen kẽ các lớp than, cát và sỏi trong một ống "
        "nhựa lớn. Bộ lọc giữ lại phần lớn cặn bẩn và mùi, dù chưa khử được hết muối.",
        "Thầy giáo hướng dẫn cho biết nhóm đã thử nghiệm hơn hai mươi lần, ghi chép cẩn thận kết quả đo độ đục và "
        "độ dẫn điện của nước trước và sau khi lọc.",
        "Sản phẩm đạt giải nhì cuộc thi khoa học kỹ thuật cấp tỉnh dành cho học sinh trung học. Ban giám khảo đánh "
        "giá cao cách dùng vật liệu sẵn có ở địa phương và chi phí chưa tới một trăm nghìn đồng mỗi bộ.",
        "Nhóm đang cùng thầy giáo cải tiến thiết kế, thêm một lớp màng lọc để dùng cho nước sinh hoạt trong các "
        "hộ gia đình ở xã.",
    ),
    alt="Hai học sinh bên bộ lọc nước",
    caption="Hai học sinh giới thiệu bộ lọc nước làm từ vỏ dừa tại cuộc thi.",
    credit="Thanh Tâm",
    byline="Thanh Tâm",
)

BUS = Article(
    title="Tuyến xe buýt điện nối trung tâm với khu công nghiệp đi vào hoạt động",
    sapo="Tuyến xe buýt điện dài hai mươi ba kilômét chạy mười lăm phút một chuyến, phục vụ chủ yếu công nhân.",
    paragraphs=(
        "Tuyến có hai mươi tám điểm dừng, bắt đầu từ bến xe trung tâm, đi qua bệnh viện tỉnh, hai khu dân cư mới "
        "và kết thúc ở cổng khu công nghiệp phía nam. Giá vé mỗi lượt là bảy nghìn đồng.",
        "Theo sở giao thông, trong tháng đầu tiên người đi làm được dùng vé tháng với giá ưu đãi. Học sinh, người "
        "cao tuổi và người khuyết tật được miễn phí trong suốt thời gian tuyến hoạt động.",
        "Chị Võ Thị Lan, công nhân may, nói trước đây chị đi xe máy gần bốn mươi phút mỗi chiều, đường đông và "
        "nhiều xe tải. Đi xe buýt lâu hơn một chút nhưng an toàn và đỡ tốn tiền xăng.",
        "Các xe được sạc tại bãi đỗ ở đầu tuyến vào ban đêm. Mỗi lần sạc đầy, xe chạy được khoảng hai trăm "
        "kilômét, đủ cho một ngày hoạt động.",
        "Tỉnh dự kiến mở thêm hai tuyến xe buýt điện trong năm tới nếu lượng khách duy trì ổn định.",
    ),
    alt="Xe buýt điện đón khách tại bến trung tâm",
    caption="Xe buýt điện đón khách tại bến xe trung tâm trong ngày đầu vận hành.",
    credit="Hải Đăng",
    byline="Hải Đăng",
)

GARDEN = Article(
    title="Neighbours turn an empty car park into a community garden",
    sapo="Residents of a terraced street planted forty raised beds on a disused car park and now share the harvest.",
    paragraphs=(
        "The car park behind the old cinema had stood empty for six years when a group of neighbours asked the "
        "council whether they could borrow it. The council agreed to a five-year lease for a token rent of one "
        "pound a year.",
        "Volunteers built the raised beds from reclaimed scaffolding boards, and a local builders' merchant donated "
        "the soil. Each bed is looked after by a household, and a few are kept for the primary school next door.",
        "Margaret Osei, who chairs the residents' group, said the garden had done more for the street than any "
        "street party. People who had lived side by side for years without speaking now swap seedlings and recipes.",
        "Rainwater from the cinema roof is collected in four large tanks, which has been enough to water the beds "
        "through most of the summer without using the mains supply.",
        "The group plans to add a small greenhouse and a tool library, and hopes to run cooking classes using the "
        "vegetables grown on site.",
    ),
    alt="Raised vegetable beds on a former car park",
    caption="Raised beds on the former car park behind the old cinema.",
    credit="Daniel Reyes",
    byline="Daniel Reyes",
    subhead="Water from the roof",
)

FERRY = Article(
    title="Island ferry service restored after pier repairs",
    sapo="The daily ferry to the island has resumed after engineers finished replacing the pier's storm-damaged piles.",
    paragraphs=(
        "For three months islanders had relied on a smaller launch that could carry only twelve passengers and no "
        "vehicles. Shops on the island rationed fresh produce, and the school moved some lessons online.",
        "Engineers drove twenty new steel piles into the seabed and rebuilt the landing stage with a higher deck, "
        "which should keep it clear of the largest waves during winter storms.",
        "The harbour master said the first crossing on Monday morning carried a lorry of building materials, two "
        "delivery vans and more than sixty passengers, many of them returning after weeks away.",
        "Ferry timetables are unchanged, with four return crossings a day in winter and six in summer. Fares have "
        "been frozen for the rest of the year to help businesses recover.",
        "Islanders have asked for a permanent backup vessel so that a single damaged pier cannot cut them off again.",
    ),
    alt="A ferry arriving at the rebuilt pier",
    caption="The ferry arrives at the rebuilt pier on its first crossing.",
    credit="Priya Natarajan",
    byline="Priya Natarajan",
    subhead="A higher deck",
)

MAPS = Article(
    title="Museum puts restored nineteenth-century river maps on show",
    sapo="A regional museum has spent two years repairing a set of hand-drawn river maps found rolled up in its attic.",
    paragraphs=(
        "The twenty-four sheets, drawn in ink and watercolour, show every bend, sandbank and ferry crossing along "
        "two hundred miles of the river as it was surveyed in the eighteen-sixties.",
        "Conservators cleaned each sheet with soft brushes, relaxed the creases in a humidity chamber and mended "
        "tears with Japanese tissue paper, a process that took up to a month for the most damaged maps.",
        "Curator Helen Marsh said the maps were more than beautiful objects. They record villages that were later "
        "lost to floods and channels that have since silted up, which makes them useful to today's engineers.",
        "Visitors can compare the old course of the river with a modern satellite image projected on the gallery "
        "floor, and a digital copy of every sheet is available in the museum's reading room.",
        "The exhibition runs until the end of March, and admission is free for children and students.",
    ),
    alt="A conservator working on a river map",
    caption="A conservator repairs one of the twenty-four river maps.",
    credit="Tom Fielding",
    byline="Sarah Okafor",
    subhead="Lost villages",
)

MANGROVE = Article(
    title="Coastal villagers plant mangroves to hold back the sea",
    sapo="Fishing families have planted thirty thousand mangrove seedlings along a stretch of eroding coastline.",
    paragraphs=(
        "Over the past decade the sea has swallowed almost fifty metres of beach in front of the village, "
        "destroying a road, two wells and the footings of several houses.",
        "With help from a local university, families collected seeds from the remaining mangrove trees, raised the "
        "seedlings in a nursery of bamboo trays and planted them at low tide in rows protected by brushwood fences.",
        "About seven in ten seedlings survived their first year, a rate researchers described as unusually good. "
        "The fences slow the waves enough for mud to settle around the young roots.",
        "Fishermen say crabs and small fish have already returned to the shallow water among the plants, and some "
        "women in the village now earn extra income by tending the nursery.",
        "The project's organisers hope to plant another twenty thousand seedlings next year and to train "
        "neighbouring villages to run nurseries of their own.",
    ),
    alt="Villagers planting mangrove seedlings at low tide",
    caption="Villagers plant mangrove seedlings at low tide.",
    credit="Ana Lima",
    byline="Ana Lima",
    subhead="Crabs come back",
)


def _seed() -> Article:
    """The seed article, split into its parts (title, date line, body, caption, signature)."""
    path = Path(__file__).resolve().parents[4] / "shared" / "seed" / "article.txt"
    lines = [ln.strip().replace("\u00a0", " ").strip() for ln in path.read_text("utf-8").splitlines()]
    lines = [ln for ln in lines if ln]
    title, _dateline, *rest = lines
    caption = "Toàn cảnh buổi làm việc"
    body = [ln for ln in rest if ln != caption]
    byline = body.pop()
    return Article(
        title=title,
        sapo=body[0],
        paragraphs=tuple(body[1:]),
        alt=caption,
        caption=caption,
        credit="",
        byline=byline,
    )


SEED = _seed()
