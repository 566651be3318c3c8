"""Reading the audit log under a path prefix: the reader's subtree, everything, or nothing."""

from cdtt.audit.selectors import audit_entries_under
from cdtt.audit.services import audit_record


def _entries(tree):
    audit_record(actor=None, action="unit.rename", unit=tree.village, summary="Đổi tên thôn")
    audit_record(actor=None, action="unit.rename", unit=tree.far_village, summary="Thôn xa")
    audit_record(actor=None, action="skill.update", summary="Sửa kỹ năng")


def test_a_prefix_keeps_the_entries_of_its_subtree(tree):
    _entries(tree)
    summaries = set(audit_entries_under(tree.commune.path).values_list("summary", flat=True))
    assert summaries == {"Đổi tên thôn"}


def test_the_empty_prefix_is_everything_and_none_is_nothing(tree):
    _entries(tree)
    assert audit_entries_under("").count() == 3
    assert audit_entries_under(None).count() == 0


def test_text_and_action_filters(tree):
    _entries(tree)
    assert [e.summary for e in audit_entries_under(tree.province.path, q="xa")] == ["Thôn xa"]
    assert audit_entries_under("", action="skill.update").count() == 1
    assert audit_entries_under(tree.province.path, action="skill.update").count() == 0
