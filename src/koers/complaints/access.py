"""Who sees which complaint, and who sees the complainant's personal data.

The rules (see docs/complaints.md):

- Complaint handlers (``HANDLE_COMPLAINTS``: administrators and members marked as complaint
  handler) see and handle every complaint of their organisation, with the complainant.
- Coordinators (``VIEW_COMPLAINTS``) read every complaint, never the complainant.
- The member assigned as handler of a complaint sees and handles that complaint, with its
  complainant, whatever their role.
- Other editors see only the complaints assigned to them; readers see none.

Every page and download of the complaints register asks these functions; nothing else
decides it.
"""

from django.db.models import QuerySet

from koers.accounts.models import Membership, Role
from koers.accounts.permissions import HANDLE_COMPLAINTS, VIEW_COMPLAINTS, can
from koers.complaints.models import Complaint


def _same_organisation(membership: Membership | None, complaint: Complaint) -> bool:
    return membership is not None and complaint.organisation_id == membership.organisation_id


def _assigned(membership: Membership, complaint: Complaint) -> bool:
    return complaint.handler_id is not None and complaint.handler_id == membership.pk


def may_open_register(membership: Membership | None) -> bool:
    """May this member open the register at all (the link in the menu)? Editors may: they
    find there the complaints assigned to them. Readers may not."""
    if membership is None:
        return False
    return can(membership, VIEW_COMPLAINTS) or membership.role != Role.READER


def sees_all_complaints(membership: Membership | None) -> bool:
    return can(membership, VIEW_COMPLAINTS)


def may_register(membership: Membership | None) -> bool:
    """Register complaints received by phone, mail, letter or at the counter."""
    return can(membership, HANDLE_COMPLAINTS)


def visible_complaints(membership: Membership) -> QuerySet[Complaint]:
    """The complaints of the member's organisation this member may see."""
    complaints = Complaint.objects.filter(organisation_id=membership.organisation_id)
    if sees_all_complaints(membership):
        return complaints
    if not may_open_register(membership):
        return complaints.none()
    return complaints.filter(handler=membership)


def may_see_complaint(membership: Membership | None, complaint: Complaint) -> bool:
    if not _same_organisation(membership, complaint):
        return False
    return sees_all_complaints(membership) or _assigned(membership, complaint)


def may_handle(membership: Membership | None, complaint: Complaint) -> bool:
    """Decide admissibility, acknowledge, answer, give the outcome, link a plan item."""
    if not _same_organisation(membership, complaint):
        return False
    return can(membership, HANDLE_COMPLAINTS) or _assigned(membership, complaint)


def may_assign(membership: Membership | None, complaint: Complaint) -> bool:
    """Choose (or change) who handles a complaint: complaint handlers only."""
    return _same_organisation(membership, complaint) and can(membership, HANDLE_COMPLAINTS)


def may_see_personal_data(membership: Membership | None, complaint: Complaint) -> bool:
    """Name, address, e-mail and phone of the complainant: complaint handlers of the
    organisation and the member assigned to this complaint, nobody else."""
    if not _same_organisation(membership, complaint):
        return False
    return can(membership, HANDLE_COMPLAINTS) or _assigned(membership, complaint)
