"""Fixed facts and word lists behind the Taizhou (台州) demo.

County centres are the approximate seats of government (degrees, WGS-84, to about a
kilometre); township positions are not shipped with the region table, so enterprises
are scattered around their county seat. Industries follow what each county is known
for: pumps, motors and shoes in Wenling, valves and plumbing in Yuhuan, moulds and
plastics in Huangyan, auto parts and metal recycling in Luqiao, pharmaceuticals and
chemicals in Linhai and Jiaojiang, rubber belts in Sanmen and Tiantai, crafts and
pharmaceuticals in Xianju.
"""

import math

from ..enterprises.choices import Industry

CITY_CODE = "3310"
CITY_NAME = "台州市"
AREA_PHONE_CODE = "0576"


# code: (name, centre longitude °E, centre latitude °N, share of the enterprises)
COUNTIES = {
    "331081": ("温岭市", 121.38, 28.37, 0.20),
    "331082": ("临海市", 121.14, 28.86, 0.16),
    "331003": ("黄岩区", 121.26, 28.65, 0.13),
    "331004": ("路桥区", 121.37, 28.58, 0.13),
    "331083": ("玉环市", 121.23, 28.14, 0.12),
    "331002": ("椒江区", 121.44, 28.68, 0.12),
    "331022": ("三门县", 121.38, 29.10, 0.05),
    "331023": ("天台县", 121.03, 29.14, 0.05),
    "331024": ("仙居县", 120.73, 28.85, 0.04),
}

# Standard deviation of the scatter around a county seat, in degrees (≈ 2.5 km).
SCATTER_DEG = 0.025


# A product word and the supervision group it belongs to.
P = Industry
PRODUCTS = {
    "pumps": ("泵业", P.MACHINERY), "motors": ("电机", P.MACHINERY), "shoes": ("鞋业", P.LIGHT),
    "tools": ("工具", P.MACHINERY), "auto": ("汽车零部件", P.MACHINERY), "moto": ("摩托车配件", P.MACHINERY),
    "valves": ("阀门", P.MACHINERY), "plumbing": ("水暖器材", P.MACHINERY), "moulds": ("模具", P.MACHINERY),
    "plastics": ("塑料制品", P.LIGHT), "sewing": ("缝制设备", P.MACHINERY), "recycling": ("金属再生资源", P.NONFERROUS),
    "casting": ("铸造", P.METALLURGY), "pharma": ("药业", P.CHEMICAL), "chemical": ("化工", P.CHEMICAL),
    "hazchem_trade": ("化工贸易", P.CHEMICAL), "leisure": ("休闲用品", P.LIGHT), "glasses": ("眼镜", P.LIGHT),
    "rubber": ("橡胶", P.LIGHT), "belts": ("橡胶输送带", P.LIGHT), "filter": ("滤布", P.TEXTILE),
    "crafts": ("工艺品", P.LIGHT), "knitting": ("针织服饰", P.TEXTILE), "seafood": ("水产食品", P.LIGHT),
    "cold_chain": ("冷链物流", P.TRADE), "building": ("新型建材", P.BUILDING_MATERIALS),
    "quarry": ("石料", P.MINING), "fireworks": ("烟花爆竹", P.FIREWORKS), "electronics": ("电子", P.MACHINERY),
    "batteries": ("电池", P.LIGHT), "trading": ("商贸", P.TRADE),
}

# County code: product keys and their weights (how often each appears there).
COUNTY_PRODUCTS = {
    "331081": {"pumps": 8, "motors": 6, "shoes": 6, "tools": 4, "auto": 3, "casting": 2, "plastics": 2,
               "seafood": 2, "cold_chain": 1, "hazchem_trade": 1, "fireworks": 1, "building": 1,
               "batteries": 1, "trading": 1},
    "331082": {"pharma": 6, "chemical": 5, "leisure": 5, "glasses": 4, "auto": 2, "hazchem_trade": 1,
               "fireworks": 1, "quarry": 1, "building": 1, "plastics": 1, "trading": 1},
    "331003": {"moulds": 8, "plastics": 8, "pharma": 2, "auto": 2, "crafts": 1, "hazchem_trade": 1,
               "fireworks": 1, "trading": 1},
    "331004": {"auto": 7, "moto": 5, "recycling": 4, "sewing": 3, "plastics": 2, "casting": 1,
               "hazchem_trade": 1, "fireworks": 1, "batteries": 1, "trading": 1},
    "331083": {"valves": 9, "plumbing": 6, "auto": 4, "tools": 2, "casting": 2, "seafood": 1,
               "hazchem_trade": 1, "fireworks": 1},
    "331002": {"pharma": 5, "chemical": 3, "sewing": 5, "plastics": 2, "electronics": 2, "seafood": 1,
               "cold_chain": 1, "hazchem_trade": 2, "fireworks": 1, "trading": 1},
    "331022": {"rubber": 4, "belts": 4, "seafood": 3, "cold_chain": 1, "quarry": 1, "fireworks": 1},
    "331023": {"auto": 4, "rubber": 3, "filter": 3, "crafts": 1, "quarry": 1, "fireworks": 1},
    "331024": {"crafts": 5, "pharma": 3, "knitting": 2, "quarry": 1, "fireworks": 1},
}

# The "brand" word in the middle of a company name (字号).
TRADE_WORDS = (
    "鸿达 宏大 恒通 永盛 华丰 新锐 利民 东方 金鹰 长城 正泰 天成 瑞丰 海天 亚泰 大洋 "
    "明辉 伟业 嘉利 富源 博远 中信 万隆 三星 协和 兴旺 泰隆 汇丰 隆昌 通达 振兴 宝龙 "
    "金龙 银河 星光 恒源 德胜 鼎盛 腾飞 凯达 华欣 安顺 卓越 锦程 九龙 百川 天宇 晨阳 "
    "欧亚 联创 鑫源 立信 国泰 顺发 康利 双环 新亚 福达 舜宇 东海 南洋 环球 金盾 巨力"
).split()

SURNAMES = "王 陈 林 李 张 徐 叶 郑 潘 金 杨 应 蔡 赵 黄 周 许 梁 卢 江 阮 颜 冯 罗 朱 吴 何 章 项 戴".split()
GIVEN_NAMES = (
    "建国 海军 伟 敏 国良 志强 云飞 学军 丽华 晓东 春燕 永明 建华 小平 秀英 文杰 "
    "海燕 立新 荣华 振宇 美玲 国强 红霞 浩 静 军 勇 斌 芳 杰 明亮 玉兰 金土 德明 "
    "新华 卫东 雪梅 宏伟 月娥 建平"
).split()

ROAD_WORDS = "工业 兴业 创业 科技 振兴 东海 人民 解放 新华 育才 文昌 中山 环城 滨海 开发 金山 锦屏 太平".split()
ROAD_KINDS = ("路", "路", "大道", "街")


# Tag names, and the chance (0..1) that an enterprise of each group carries them.
TAG_RULES = {
    "危化品使用": {P.CHEMICAL: 0.9, P.MACHINERY: 0.12, P.LIGHT: 0.1, P.METALLURGY: 0.2},
    "粉尘涉爆": {P.MACHINERY: 0.12, P.METALLURGY: 0.25, P.NONFERROUS: 0.3, P.LIGHT: 0.05},
    "有限空间": {P.CHEMICAL: 0.5, P.LIGHT: 0.12, P.MACHINERY: 0.06, P.BUILDING_MATERIALS: 0.3},
    "锂电池": {P.MACHINERY: 0.06, P.LIGHT: 0.05, P.TRADE: 0.1},
    "一厂多租": {P.MACHINERY: 0.08, P.LIGHT: 0.1, P.TEXTILE: 0.1},
    "小微园区": {P.MACHINERY: 0.1, P.LIGHT: 0.1, P.TEXTILE: 0.1},
    "重大危险源": {P.CHEMICAL: 0.2},
    "外包作业": {P.CHEMICAL: 0.2, P.METALLURGY: 0.1},
}
# Product keys whose enterprises always carry a tag (cold stores run on ammonia).
PRODUCT_TAGS = {"seafood": ["涉氨制冷"], "cold_chain": ["涉氨制冷"], "batteries": ["锂电池"]}

# Four-colour risk grade shares (red, orange, yellow, blue) by supervision group; the
# result is mostly blue and yellow, a few orange and about 2 % red.
RISK_SHARES = {
    P.CHEMICAL: (0.08, 0.25, 0.45, 0.22),
    P.FIREWORKS: (0.05, 0.25, 0.50, 0.20),
    P.MINING: (0.05, 0.30, 0.45, 0.20),
    P.METALLURGY: (0.02, 0.10, 0.45, 0.43),
    P.NONFERROUS: (0.02, 0.10, 0.45, 0.43),
}
DEFAULT_RISK_SHARES = (0.01, 0.05, 0.32, 0.62)

# Scale by share, with the employee range of each (GB industrial size classes:
# micro < 20, small < 300, medium < 1000).
SCALES = (("micro", 0.35, (5, 19)), ("small", 0.47, (20, 299)), ("medium", 0.14, (300, 999)),
          ("large", 0.04, (1000, 3000)))


# Township governments, flood-control chains and grids exist for these townships.
# Villages (12-digit codes under the township) are added by the demo; their names are
# invented, not taken from the official list.
TOWNSHIP_CHAINS = {
    "331081101": ["下洋村", "前山村", "溪口村"],   # 温岭市大溪镇
    "331081100": ["塘下村", "东浦村"],             # 温岭市泽国镇
    "331081102": ["海利村", "新岙村"],             # 温岭市松门镇
    "331082112": ["山前村", "后岸村", "外沙村"],   # 临海市杜桥镇
    "331082106": ["溪头村", "上岙村"],             # 临海市白水洋镇
}
GRIDS_PER_VILLAGE = 2
# Approximate centres (lon, lat, WGS84) of those townships, read off a public map to
# about 2 km: enough to draw the call-up map of the demo in the right place. The
# villages are set on a ring around them (`village_location`), not surveyed.
TOWNSHIP_CENTRES = {
    "331081101": (121.27, 28.45),   # 大溪镇
    "331081100": (121.37, 28.51),   # 泽国镇
    "331081102": (121.56, 28.33),   # 松门镇
    "331082112": (121.41, 28.76),   # 杜桥镇
    "331082106": (121.01, 28.91),   # 白水洋镇
}
VILLAGE_RING_DEGREES = 0.018  # about 1.8 km north-south, 1.6 km east-west at 28.5° N


def village_location(township: str, index: int, count: int) -> tuple[float, float]:
    """Where the demo draws village `index` (1-based) of `count` in a township: evenly
    round a ring about the township centre, starting north. Deterministic, so every
    seed puts each village in the same place."""
    lon, lat = TOWNSHIP_CENTRES[township]
    angle = 2 * math.pi * (index - 1) / count
    return (round(lon + VILLAGE_RING_DEGREES * math.sin(angle), 5),
            round(lat + VILLAGE_RING_DEGREES * math.cos(angle), 5))

# The enterprise the demo-enterprise account belongs to (the example of the brief).
SHOWCASE = {
    "name": "温岭市大溪鸿达泵业有限公司",
    "township": "331081101",
    "product": "pumps",
    "risk_grade": "yellow",
    "scale": "small",
    "employees": 86,
    "tags": ["有限空间", "粉尘涉爆"],
}

ENTERPRISE_COUNT = 500
SEED = 3310
