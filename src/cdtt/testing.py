"""Test helpers shared by the unit tests and the browser tests: a small tree of units."""

from cdtt.geo.models import AdminUnit, Level
from cdtt.lib.text import fold

PASSWORD = "test-pass-1234"


def make_unit(
    code: str,
    name: str,
    level: str,
    parent: AdminUnit | None = None,
    unit_type: str = "",
    lat: float | None = None,
    lon: float | None = None,
) -> AdminUnit:
    unit = AdminUnit(
        code=code,
        name=name,
        level=level,
        parent=parent,
        structure="2024",
        unit_type=unit_type
        or {"province": "Tỉnh", "district": "Huyện", "commune": "Xã", "village": "Thôn"}[level],
        path=f"{parent.path if parent else '/'}{code}/",
        name_key=fold(name),
        lat=lat,
        lon=lon,
        **(parent.ancestor_ids() if parent else {}),
    )
    unit.save()
    return unit


class Tree:
    """Province 38 with two districts, each with two communes, each with two villages."""

    def __init__(self):
        self.province = make_unit("38", "Thanh Hóa", Level.PROVINCE, lat=19.8, lon=105.6)
        self.district = make_unit("400", "Quảng Xương", Level.DISTRICT, self.province)
        self.other_district = make_unit("401", "Nga Sơn", Level.DISTRICT, self.province)
        self.commune = make_unit(
            "16000", "Quảng Định", Level.COMMUNE, self.district, lat=19.7, lon=105.8
        )
        self.sibling_commune = make_unit(
            "16001", "Quảng Nhân", Level.COMMUNE, self.district, lat=19.71, lon=105.81
        )
        self.far_commune = make_unit(
            "16100", "Nga Văn", Level.COMMUNE, self.other_district, lat=20.0, lon=105.9
        )
        self.village = make_unit("16000-001", "Yên Trung", Level.VILLAGE, self.commune)
        self.village2 = make_unit("16000-002", "Phú Lộc", Level.VILLAGE, self.commune)
        self.sibling_village = make_unit("16001-001", "Đông", Level.VILLAGE, self.sibling_commune)
        self.far_village = make_unit(
            "16100-001", "Bắc", Level.VILLAGE, self.far_commune, unit_type="Xóm"
        )
