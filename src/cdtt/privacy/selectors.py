"""Everything the platform keeps about one resident, read across the modules that hold it: the
registry (the resident, the household), the skills (assessments), the schools (student records
matched to the resident) and the campaigns (visits to the household)."""

from dataclasses import dataclass

from cdtt.campaigns.models import Visit
from cdtt.registry.models import Household, Resident
from cdtt.schools.models import Student
from cdtt.skills.models import SkillAssessment

# The name an anonymised resident keeps; its name key starts with ANONYMOUS_KEY.
ANONYMOUS_KEY = "da an danh "


@dataclass
class ResidentRecord:
    resident: Resident
    household: Household
    assessments: list[SkillAssessment]
    students: list[Student]
    visits: list[Visit]


def resident_record(resident: Resident) -> ResidentRecord:
    """The resident (already fetched through ``access_resident``) and what refers to them."""
    household = Household.objects.select_related("village", "commune").get(pk=resident.household_id)
    return ResidentRecord(
        resident=resident,
        household=household,
        assessments=list(
            SkillAssessment.objects.filter(resident=resident)
            .select_related("skill")
            .order_by("assessed_at", "id")
        ),
        students=list(
            Student.objects.filter(resident=resident)
            .select_related("school_class__school")
            .order_by("id")
        ),
        visits=list(Visit.objects.filter(household_id=household.pk).order_by("visited_at")),
    )


def is_anonymised(resident: Resident) -> bool:
    return resident.name_key.startswith(ANONYMOUS_KEY)
