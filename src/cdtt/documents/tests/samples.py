"""A document every documents test builds: Vietnamese in every part."""

from datetime import date

from cdtt.documents.builder import REPORT, Heading, OfficialDocument, Signature, Table

SIGNER = "Đặng Thị Thơm Diễm Hương"  # ư, ơ, đ, ễ


def sample_document(**changes) -> OfficialDocument:
    fields = {
        "heading": Heading(
            governing_body="UBND tỉnh Thanh Hóa",
            issuing_body="Sở Khoa học và Công nghệ",
            symbol="SKHCN",
            place="Thanh Hóa",
        ),
        "kind": REPORT,
        "number": "07",
        "issued_on": date(2026, 2, 5),
        "summary": ["Kết quả chiến dịch chuyển đổi số", "(số liệu đến hết ngày 04/02/2026)"],
        "body": [
            "Sở Khoa học và Công nghệ báo cáo kết quả như sau:",
            Table(headers=["Đơn vị", "Số hộ"], rows=[["Xã Quảng Định", "1.234"]]),
            "Đề nghị các địa phương đôn đốc các Tổ công nghệ số cộng đồng.",
        ],
        "signature": Signature(title="Phó Giám đốc", name=SIGNER, authority="KT. GIÁM ĐỐC"),
        "recipients": ["Bộ Khoa học và Công nghệ (để b/c);", "Chủ tịch UBND tỉnh (để b/c);"],
    }
    return OfficialDocument(**{**fields, **changes})
