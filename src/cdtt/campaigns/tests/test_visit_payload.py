"""The visit's payload (VisitIn): one model documents and validates it; its canonical form and
hash are those stored visits were hashed with, and every rule refuses with its own message."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from cdtt.campaigns.visit_payload import VisitIn, payload_hash
from cdtt.core.errors import BadRequest

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
MESSY = {
    "id": "6F1C7A2E-3B4D-4E5F-8A9B-0C1D2E3F4A5B",
    "household": {"commune_code": " 16000", "code": "HO-001 "},
    "visited_at": "2025-05-31T15:30:00+07:00",
    "outcome": "guided",
    "campaign": "7",
    "services": ["vneid", "dvc", "vneid"],
    "members": ["  Nguyễn   Văn A ", "Lê B"],
    "present": [12, "3", 12],
    "note": " Ghi  chú\n hai dòng ",
    "assessments": [
        {"resident_id": 12, "skill": "payment", "level": 2, "checklist": [5, "2", 5]},
        {"resident_id": "3", "skill": "safety", "level": 0},
    ],
}
SPARSE = {
    "id": "0b4e7d9c-1a2b-4c3d-9e8f-7a6b5c4d3e2f",
    "household": {"commune_code": 16000, "code": 42},
    "visited_at": "2025-06-01 10:00:00",
    "outcome": "nobody_home",
    "campaign": None,
    "services": None,
    "members": None,
    "present": None,
    "note": None,
    "assessments": [],
}


def test_the_canonical_form_and_its_hash_are_unchanged():
    # The hashes the previous hand validator gave these payloads: stored visits replay as 200.
    messy = VisitIn.from_payload(MESSY, now=NOW).canonical()
    assert messy == {
        "id": "6f1c7a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b",
        "household": {"commune_code": "16000", "code": "HO-001"},
        "visited_at": "2025-05-31T08:30:00+00:00",
        "outcome": "guided",
        "campaign": 7,
        "services": ["dvc", "vneid"],
        "members": ["Nguyễn Văn A", "Lê B"],
        "present": [3, 12],
        "note": "Ghi chú hai dòng",
        "assessments": [
            {"resident_id": 3, "skill": "safety", "level": 0, "checklist": []},
            {"resident_id": 12, "skill": "payment", "level": 2, "checklist": [2, 5]},
        ],
    }
    assert payload_hash(messy) == (
        "3733a566729a3173f61c5c3a6d525bdc29177defcce89eeb15083d9b1c6658d0"
    )
    sparse = VisitIn.from_payload(SPARSE, now=NOW).canonical()
    assert payload_hash(sparse) == (
        "8d037a152a8b7109ce1aff6908c88a38fa53a4cb66e020e6e551ff44874046cd"
    )


A1 = {"resident_id": 1, "skill": "a", "level": 1}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"id": 5}, "Mã lượt đến hộ (id) phải là một UUID."),
        ({"id": None}, "Mã lượt đến hộ (id) phải là một UUID."),
        (
            {"household": {"code": "x"}},
            "Thiếu thông tin hộ: household phải có commune_code và code.",
        ),
        ({"visited_at": 3}, "Thời điểm đến hộ (visited_at) không hợp lệ; dùng định dạng ISO 8601."),
        (
            {"visited_at": "2025-13-01T00:00:00"},
            "Thời điểm đến hộ (visited_at) không hợp lệ; dùng định dạng ISO 8601.",
        ),
        (
            {"visited_at": "2030-01-01T00:00:00Z"},
            "Thời điểm đến hộ (01/01/2030 07:00) ở tương lai; hãy kiểm tra ngày giờ của điện thoại.",
        ),
        (
            {"visited_at": "2020-01-01T00:00:00Z"},
            "Thời điểm đến hộ (01/01/2020) đã quá một năm; không ghi nhận.",
        ),
        (
            {"outcome": None},
            "Kết quả không hợp lệ; dùng một trong: guided, come_back_later, nobody_home, refused.",
        ),
        ({"campaign": True}, "Mã chiến dịch phải là số nguyên."),
        ({"campaign": 1.5}, "Mã chiến dịch phải là số nguyên."),
        ({"services": [1]}, "Danh sách dịch vụ (services) phải là các mã dịch vụ."),
        ({"members": ["a"] * 21}, "Danh sách thành viên (members) tối đa 20 người."),
        ({"members": [3]}, "Tên thành viên phải là chuỗi ký tự."),
        ({"members": ["x" * 121]}, "Tên thành viên dài quá 120 ký tự."),
        ({"present": "1"}, "Danh sách người có mặt (present) phải là các mã nhân khẩu."),
        ({"present": ["a"]}, "Mã nhân khẩu phải là số nguyên."),
        ({"assessments": [A1] * 61}, "Danh sách đánh giá (assessments) tối đa 60 mục."),
        ({"assessments": [1]}, "Mỗi đánh giá phải có resident_id, skill và level."),
        ({"assessments": [{}]}, "Mã nhân khẩu (resident_id) phải là số nguyên."),
        ({"assessments": [{"resident_id": 1}]}, "Mỗi đánh giá phải ghi mã kỹ năng (skill)."),
        (
            {"assessments": [{**A1, "level": True}]},
            "Mức đánh giá phải là 0 (chưa biết), 1 (cơ bản) hoặc 2 (thành thạo); nhận được: true.",
        ),
        (
            {"assessments": [{**A1, "checklist": "x"}]},
            "Danh sách việc làm được (checklist) phải là các mã mục.",
        ),
        ({"assessments": [{**A1, "checklist": ["z"]}]}, "Mục việc làm được phải là số nguyên."),
        (
            {"assessments": [A1, {**A1, "resident_id": "1", "level": 2}]},
            "Một nhân khẩu được đánh giá hai lần cùng một kỹ năng trong lượt này.",
        ),
        ({"outcome": "nobody_home"}, "Không có ai ở nhà thì không thể ghi đánh giá kỹ năng."),
        ({"note": 5}, "Ghi chú phải là chuỗi ký tự."),
        ({"note": "x" * 501}, "Ghi chú dài quá 500 ký tự."),
    ],
)
def test_each_rule_refuses_with_its_message(change, message):
    with pytest.raises(ValidationError) as refused:
        VisitIn.from_payload({**MESSY, **change}, now=NOW)
    assert refused.value.messages == [message]


def test_a_missing_field_is_refused_by_its_rule_and_a_non_object_is_a_400():
    payload = dict(MESSY)
    del payload["outcome"]
    with pytest.raises(ValidationError) as refused:
        VisitIn.from_payload(payload, now=NOW)
    assert "outcome" in refused.value.message_dict
    with pytest.raises(BadRequest) as bad:
        VisitIn.from_payload([1, 2], now=NOW)
    assert bad.value.status == 400


def test_the_model_documents_the_payload():
    schema = VisitIn.model_json_schema()
    assert set(schema["required"]) == {"id", "household", "visited_at", "outcome"}
    level = schema["$defs"]["AssessmentIn"]["properties"]["level"]
    assert (level["type"], level["minimum"], level["maximum"]) == ("integer", 0, 2)
