"""A bounded corpus of hostile inputs sent to the page forms that take free text or files: huge
fields, control characters, decomposed (NFD) Vietnamese, formula cells, markup. No answer is a
server error; what is accepted is stored as clean text (NFC, no control character) and shown
escaped; what is refused writes nothing."""

import unicodedata

import pytest

from cdtt.registry.models import Household, Resident

pytestmark = pytest.mark.django_db

CORPUS = [
    "x" * 100_000,  # far beyond every field's length
    "Nguy\u0065\u0302\u0303n V\u0103n A",  # NFD: e + circumflex + tilde
    "Lê\x00Văn\x07B\x1b[31m",  # NUL, bell, an escape sequence
    '=HYPERLINK("http://example.com","bấm vào đây")',
    "+SUM(1,2)",
    "@cmd|' /C calc'!A0",
    "<script>alert(1)</script>",
    "\u202eLê Văn C",  # right-to-left override
    "   ",
    "😀 Lê Thị D",
]


def _clean_text(value: str) -> bool:
    return unicodedata.is_normalized("NFC", value) and not any(
        unicodedata.category(c) == "Cc" for c in value
    )


@pytest.fixture
def officer(tree, make_user, client):
    client.force_login(make_user("commune_officer", tree.commune))
    return client


def test_household_and_resident_forms_take_hostile_text_without_loss_or_error(officer, tree):
    home = None
    for i, text in enumerate(CORPUS):
        before = Household.objects.count()
        response = officer.post(
            "/registry/households/new/",
            {"village": tree.village.pk, "code": f"HK{i}", "address": text},
        )
        assert response.status_code < 500, (text[:40], response.status_code)
        created = Household.objects.filter(code=f"HK{i}").first()
        if created is None:
            assert Household.objects.count() == before  # refused: nothing written
            continue
        assert _clean_text(created.address), repr(created.address[:40])
        home = home or created
    assert home is not None  # at least the ordinary texts were taken
    for text in CORPUS:
        before = Resident.objects.count()
        response = officer.post(
            f"/registry/households/{home.pk}/residents/new/",
            {"full_name": text, "birth": "1980", "gender": "", "relation": text, "phone": text},
        )
        assert response.status_code < 500, (text[:40], response.status_code)
        if Resident.objects.count() == before:
            continue
        resident = Resident.objects.order_by("-pk").first()
        assert _clean_text(resident.full_name), repr(resident.full_name[:40])
    page = officer.get(f"/registry/households/{home.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page


def test_the_population_upload_takes_a_hostile_file_without_error(officer, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    header = "Mã xã,Thôn,Mã hộ,Họ và tên,Ngày sinh"
    rows = [
        f"16000,Thôn Yên Trung,HK{i},{t[:200].replace(',', ' ')},1980" for i, t in enumerate(CORPUS)
    ]
    bodies = [
        ("\n".join([header, *rows]) + "\n").encode(),
        b"\x00\x01\x02 not a table",
        b"PK\x03\x04 broken zip",
        b"",
    ]
    for body in bodies:
        before = Household.objects.count()
        upload = SimpleUploadedFile("dan-cu.csv", body, content_type="text/csv")
        response = officer.post("/imports/population/", {"file": upload, "dry_run": "on"})
        assert response.status_code < 500, (body[:20], response.status_code)
        assert Household.objects.count() == before  # a dry run, or refused: nothing written
