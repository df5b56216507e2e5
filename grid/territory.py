"""The shipped territory (RULES.md §1): 常州市, its 7 districts and Wujin's 13 townships.

Official GB/T 2260 codes where they exist; 常州经开区 and the townships get local codes (marked as
local) that a bureau can replace with official ones."""

CITY = ("常州市", "320400")
DISTRICTS = [  # name, code, local?
    ("溧阳市", "320481", False),
    ("金坛区", "320413", False),
    ("武进区", "320412", False),
    ("新北区", "320411", False),
    ("天宁区", "320402", False),
    ("钟楼区", "320404", False),
    ("常州经开区", "320400L01", True),
]
WUJIN_TOWNSHIPS = ["科教城", "湖塘镇", "湟里镇", "嘉泽镇", "礼嘉镇", "洛阳镇", "南夏墅街道", "牛塘镇", "前黄镇",
                   "高新区", "高新北区", "西太湖", "雪堰镇"]


def township_code(district_code, index):
    return f"{district_code}L{index:02d}"
