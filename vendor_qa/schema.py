"""Every model module, imported so that the metadata (and so Alembic) sees the whole schema."""

from vendor_qa.agent_view import models as agent_view_models  # noqa: F401
from vendor_qa.audit import models as audit_models  # noqa: F401
from vendor_qa.auth import models as auth_models  # noqa: F401
from vendor_qa.auth import pseudonyms as auth_pseudonyms  # noqa: F401
from vendor_qa.calibration import models as calibration_models  # noqa: F401
from vendor_qa.calls import models as calls_models  # noqa: F401
from vendor_qa.coaching import models as coaching_models  # noqa: F401
from vendor_qa.disputes import models as disputes_models  # noqa: F401
from vendor_qa.grading import models as grading_models  # noqa: F401
from vendor_qa.grading import timing as grading_timing  # noqa: F401
from vendor_qa.reports import models as reports_models  # noqa: F401
from vendor_qa.scorecards import models as scorecards_models  # noqa: F401
from vendor_qa.sla import models as sla_models  # noqa: F401
from vendor_qa.tenants import models as tenants_models  # noqa: F401
from vendor_qa.trainings import models as trainings_models  # noqa: F401
from vendor_qa.work import models as work_models  # noqa: F401
