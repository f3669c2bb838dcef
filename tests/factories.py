"""What the tests build their small fictional worlds from."""

PASSWORD = "correct-horse-battery-staple"


def status_record_confirmed(*, detainee_id, to_status: str, source: str, actor, **fields):
    """Record a status change as the case's history will hold it: a death is proposed by `actor` and
    confirmed by a second officer (four eyes), as the status service requires."""
    from cases.models import PendingStatusChange
    from cases.services.status_changes import status_change_confirm, status_change_record
    from core.choices import Role
    from core.services import user_provision

    recorded = status_change_record(detainee_id=detainee_id, to_status=to_status, source=source, actor=actor, **fields)
    if not isinstance(recorded, PendingStatusChange):
        return recorded
    second, _ = user_provision(username="second-officer", role=Role.OFFICER, password=PASSWORD)
    return status_change_confirm(detainee_id=detainee_id, proposal_id=recorded.pk, actor=second)
