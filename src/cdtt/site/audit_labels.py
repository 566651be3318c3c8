"""What the audit log calls each action, value and object: the labels and pages of every app,
registered in the log's one registry (cdtt.audit.labels) when the site starts."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cdtt.audit.labels import action_labels_register, object_link_register, value_labels_register

ACTIONS = {
    "api_token.issue": _("Cấp mã truy cập API"),
    "assessment.record": _("Ghi đánh giá kỹ năng"),
    "audit.export": _("Xuất nhật ký ra Excel"),
    "calendar.token": _("Tạo liên kết lịch"),
    "campaign.create": _("Tạo chiến dịch"),
    "campaign.target": _("Giao chỉ tiêu chiến dịch"),
    "campaign.update": _("Sửa chiến dịch"),
    "certificate.revoke": _("Thu hồi chứng nhận"),
    "checklist.add": _("Thêm việc vào danh mục kỹ năng"),
    "checklist.remove": _("Bỏ việc khỏi danh mục kỹ năng"),
    "checklist.update": _("Sửa việc trong danh mục kỹ năng"),
    "course.attendance": _("Điểm danh lớp tập huấn"),
    "course.attendance_import": _("Nhập tệp điểm danh"),
    "course.checkin": _("Điểm danh bằng mã QR"),
    "course.close": _("Kết thúc lớp tập huấn"),
    "course.complete": _("Ghi nhận hoàn thành lớp tập huấn"),
    "course.create": _("Tạo lớp tập huấn"),
    "course.delete": _("Xóa lớp tập huấn"),
    "course.enrol": _("Ghi danh lớp tập huấn"),
    "course.invite": _("Mời học viên"),
    "course.session_add": _("Thêm buổi học"),
    "course.test": _("Nộp bài kiểm tra"),
    "directive.create": _("Tạo văn bản chỉ đạo"),
    "export": _("Xuất Excel"),
    "household.create": _("Thêm hộ gia đình"),
    "household.update": _("Sửa hộ gia đình"),
    "letterhead.create": _("Tạo mẫu phần đầu văn bản"),
    "letterhead.update": _("Sửa mẫu phần đầu văn bản"),
    "member.add": _("Thêm thành viên tổ"),
    "member.invite": _("Cấp tài khoản cho thành viên"),
    "member.remove": _("Cho thành viên rời tổ"),
    "member.update": _("Sửa thông tin thành viên"),
    "members.export": _("Xuất danh sách thành viên"),
    "organization.create": _("Thêm cơ quan, đơn vị"),
    "organization.merge": _("Hợp nhất cơ quan, đơn vị"),
    "organization.rename": _("Đổi tên cơ quan, đơn vị"),
    "organization.retire": _("Ngừng theo dõi cơ quan, đơn vị"),
    "organization.update": _("Sửa cơ quan, đơn vị"),
    "person.create": _("Thêm người"),
    "person.self_update": _("Tự sửa thông tin cá nhân"),
    "person.update": _("Sửa thông tin người"),
    "population.import": _("Nhập tệp dân cư"),
    "question.create": _("Thêm câu hỏi kiểm tra"),
    "registry.households_export": _("Xuất danh sách hộ gia đình"),
    "report.create": _("Tạo báo cáo"),
    "report.issue": _("Ban hành báo cáo"),
    "report.submit": _("Gửi số liệu báo cáo"),
    "report.update": _("Sửa báo cáo"),
    "resident.create": _("Thêm nhân khẩu"),
    "resident.status": _("Đổi tình trạng cư trú"),
    "resident.update": _("Sửa nhân khẩu"),
    "school.class_create": _("Thêm lớp học"),
    "school.completion": _("Ghi nhận học sinh hoàn thành"),
    "school.create": _("Thêm trường học"),
    "school.lesson_deliver": _("Ghi nhận đã dạy bài"),
    "school.lesson_plan": _("Lên kế hoạch bài dạy"),
    "school.student_match": _("Đối chiếu học sinh với nhân khẩu"),
    "school.student_update": _("Sửa học sinh"),
    "school.students_import": _("Nhập tệp học sinh"),
    "school.teacher_add": _("Thêm giáo viên"),
    "skill.update": _("Sửa kỹ năng số"),
    "target.set": _("Đặt chỉ tiêu phổ cập"),
    "task.create": _("Giao nhiệm vụ"),
    "task.progress": _("Cập nhật tiến độ nhiệm vụ"),
    "task.urge": _("Đôn đốc nhiệm vụ"),
    "team.delete": _("Xóa tổ"),
    "team.demo": _("Tạo tổ mẫu"),
    "team.dissolve": _("Giải thể tổ"),
    "team.found": _("Thành lập tổ"),
    "team.import": _("Nhập tệp tổ"),
    "team.leader": _("Chỉ định tổ trưởng"),
    "team.update": _("Sửa tổ"),
    "topic.create": _("Thêm chủ đề kiểm tra"),
    "unit.rename": _("Đổi tên đơn vị hành chính"),
    "units.load": _("Nạp danh mục đơn vị hành chính"),
    "units.remap": _("Chuyển sang sơ đồ đơn vị 2025"),
    "units.remap.assign": _("Chọn xã mới cho thôn"),
    "user.activate": _("Kích hoạt tài khoản"),
    "user.create": _("Tạo tài khoản"),
    "user.password": _("Đổi mật khẩu"),
    "user.update": _("Sửa tài khoản"),
    "village.create": _("Thêm thôn"),
    "village.import": _("Nhập tệp thôn"),
    "village.rename": _("Đổi tên thôn"),
    "village.retire": _("Ngừng theo dõi thôn"),
    "visit.create": _("Ghi lượt đến hộ"),
}


def _by_pk(name: str):
    return lambda pk: reverse(name, args=[int(pk)]) if str(pk).isdigit() else None


LINKS = {
    "registry.Household": _by_pk("registry:household"),
    "campaigns.Campaign": _by_pk("campaigns:detail"),
    "teams.Team": _by_pk("teams:detail"),
    "teams.Person": _by_pk("teams:person"),
    "training.Course": _by_pk("training:detail"),
    "directives.Directive": _by_pk("directives:detail"),
    "directives.Task": _by_pk("directives:task"),
    "reports.Report": _by_pk("reports:detail"),
    "organizations.Organization": _by_pk("organizations:detail"),
    "schools.School": _by_pk("schools:detail"),
    "schools.SchoolClass": _by_pk("schools:class"),
    "accounts.User": _by_pk("accounts:user_edit"),
    "documents.Letterhead": _by_pk("documents:letterhead_edit"),
    "geo.AdminUnit": lambda code: reverse("geo:unit", args=[code]),
}


def register() -> None:
    from cdtt.campaigns.models import Outcome
    from cdtt.core.roles import Role
    from cdtt.registry.models import ResidentStatus

    action_labels_register(ACTIONS)
    for choices in (Outcome.choices, ResidentStatus.choices, Role.choices):
        value_labels_register(choices)
    for object_type, link in LINKS.items():
        object_link_register(object_type, link)
