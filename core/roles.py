"""The roles as Django groups with explicit permissions.

The groups are created by a migration (core/migrations/0002_roles.py) from ROLE_PERMISSIONS; a
change to this table needs a new migration that calls sync_role_permissions again.
"""

from django.contrib.auth.management import create_permissions
from django.db.models import Q

from core.choices import Role

_DOMAIN_MODELS = (
    "detainee",
    "citizenship",
    "namevariant",
    "negotiationchannel",
    "channelmembership",
    "channelevent",
    "statuschange",
    "pendingstatuschange",
    "familynotification",
    "claim",
    "proofoflife",
    "captivitygroup",
    "captivitygroupmembership",
)
_OFFICER_EDITS = ("detainee", "citizenship", "namevariant", "negotiationchannel", "channelmembership", "channelevent")

_READ = {f"cases.view_{model}" for model in _DOMAIN_MODELS}
# Delivered lists are internal: the cell reads them, officers upload them and decide on their rows.
_LISTS_READ = {"lists.view_deliveredlist", "lists.view_listentry", "lists.view_rememberedpair"}
_LISTS_WRITE = {"lists.add_deliveredlist", "lists.change_listentry"}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.ANALYST: _READ | {"cases.export_detainees"} | _LISTS_READ,
    Role.OFFICER: _READ
    | {"cases.export_detainees", "cases.view_internal_notes", "cases.import_lists", "cases.add_statuschange"}
    | {f"cases.{action}_{model}" for model in _OFFICER_EDITS for action in ("add", "change")}
    | {"cases.delete_citizenship", "cases.delete_namevariant", "cases.delete_channelmembership"}
    # Facts under uncertainty: proposing a death and confirming another officer's (four eyes; the
    # service refuses one's own), telling the family, claims and rulings, proofs of life, groups.
    | {"cases.add_pendingstatuschange", "cases.decide_pendingstatuschange", "cases.add_familynotification"}
    | {"cases.add_claim", "cases.rule_claim", "cases.add_proofoflife"}
    | {"cases.add_captivitygroup", "cases.change_captivitygroup"}
    | {"cases.add_captivitygroupmembership", "cases.delete_captivitygroupmembership"}
    | _LISTS_READ
    | _LISTS_WRITE,
}
# An admin may do everything an officer may, plus corrections and managing users and partners.
# Status changes are never changed or deleted, by anyone: corrections are new events.
ROLE_PERMISSIONS[Role.ADMIN] = (
    ROLE_PERMISSIONS[Role.OFFICER]
    | {"cases.correct_statuschange", "partners.view_partner", "partners.add_partner", "partners.change_partner"}
    | {"cases.delete_detainee", "cases.delete_negotiationchannel", "cases.delete_channelevent"}
    | {f"core.{action}_user" for action in ("view", "add", "change")}
    | {f"auth.{action}_group" for action in ("view",)}
    # Alert plumbing: partners' webhooks, and the deliveries an admin watches and retries.
    | {"partners.view_webhookendpoint", "partners.add_webhookendpoint", "partners.change_webhookendpoint"}
    | {"alerts.view_delivery", "alerts.retry_delivery", "alerts.view_deliveryattempt", "alerts.view_event"}
    | {"partners.view_apitoken", "partners.change_apitoken"}
    # What partners were told: the disclosure log.
    | {"partners.view_disclosure"}
)


def sync_role_permissions(apps, schema_editor=None) -> None:
    """Create the role groups and give each exactly its permissions (usable from a migration)."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        # A migration sees the models of its time: permissions of models added later are given by
        # the later migration that syncs again (tests check that every name here exists in the end).
        wanted = Q()
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
