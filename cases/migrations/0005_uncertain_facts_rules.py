"""What the database enforces for the facts under uncertainty.

- Proofs of life and family notifications are append-only: UPDATE and DELETE fail.
- A proposal (four eyes) and a claim are decided once: only an open one may be updated, and only
  its decision; a decided one stays as it is; neither is ever deleted. A confirmation by the
  proposer is refused by a CHECK constraint (cases.models.proposals), a second confirmation by this.
- A proof of life dated before the abduction is refused.
- Every existing case gets its proof-of-life clock (from the abduction, or the record's creation).
"""

from django.db import migrations, models

from core.db import RunSQLOnPostgres

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION cases_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER proof_of_life_append_only BEFORE UPDATE OR DELETE ON cases_proofoflife
    FOR EACH ROW EXECUTE FUNCTION cases_append_only();
CREATE TRIGGER family_notification_append_only BEFORE UPDATE OR DELETE ON cases_familynotification
    FOR EACH ROW EXECUTE FUNCTION cases_append_only();

CREATE OR REPLACE FUNCTION cases_decided_once() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    open_state text := TG_ARGV[0];
    kept text[] := TG_ARGV[1:];
    column_name text;
    changed boolean;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '% rows are never deleted', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.state <> open_state THEN
        RAISE EXCEPTION '% % was decided already (%)', TG_TABLE_NAME, OLD.id, OLD.state
            USING ERRCODE = 'restrict_violation';
    END IF;
    FOREACH column_name IN ARRAY kept LOOP
        EXECUTE format('SELECT $1.%1$I IS DISTINCT FROM $2.%1$I', column_name) INTO changed USING OLD, NEW;
        IF changed THEN
            RAISE EXCEPTION '% of % % cannot change: only its decision is written', column_name, TG_TABLE_NAME, OLD.id
                USING ERRCODE = 'restrict_violation';
        END IF;
    END LOOP;
    RETURN NEW;
END
$$;
CREATE TRIGGER proposal_decided_once BEFORE UPDATE OR DELETE ON cases_pendingstatuschange
    FOR EACH ROW EXECUTE FUNCTION cases_decided_once(
        'awaiting_confirmation', 'detainee_id', 'from_status', 'to_status', 'occurred_at', 'proposed_at',
        'proposed_by_id', 'proposed_by_token_id', 'source', 'source_url', 'confidence', 'channel_id', 'note',
        'is_correction', 'correction_reason', 'claim_id');
CREATE TRIGGER claim_decided_once BEFORE UPDATE OR DELETE ON cases_claim
    FOR EACH ROW EXECUTE FUNCTION cases_decided_once(
        'open', 'detainee_id', 'asserted_status', 'source', 'source_url', 'confidence', 'occurred_at',
        'channel_id', 'note', 'recorded_at', 'recorded_by_id', 'recorded_by_token_id');

CREATE OR REPLACE FUNCTION cases_proof_of_life_after_abduction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM cases_detainee d
                WHERE d.id = NEW.detainee_id AND d.abducted_at IS NOT NULL AND NEW.observed_at < d.abducted_at) THEN
        RAISE EXCEPTION 'a proof of life cannot be dated before the abduction' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER proof_of_life_after_abduction BEFORE INSERT ON cases_proofoflife
    FOR EACH ROW EXECUTE FUNCTION cases_proof_of_life_after_abduction();
"""
APPEND_ONLY_REVERSE = """
DROP TRIGGER IF EXISTS proof_of_life_after_abduction ON cases_proofoflife;
DROP FUNCTION IF EXISTS cases_proof_of_life_after_abduction();
DROP TRIGGER IF EXISTS claim_decided_once ON cases_claim;
DROP TRIGGER IF EXISTS proposal_decided_once ON cases_pendingstatuschange;
DROP FUNCTION IF EXISTS cases_decided_once();
DROP TRIGGER IF EXISTS family_notification_append_only ON cases_familynotification;
DROP TRIGGER IF EXISTS proof_of_life_append_only ON cases_proofoflife;
DROP FUNCTION IF EXISTS cases_append_only();
"""


def start_clocks(apps, schema_editor):
    Detainee = apps.get_model("cases", "Detainee")
    Detainee.objects.filter(proof_of_life_clock__isnull=True).update(
        proof_of_life_clock=models.functions.Coalesce("abducted_at", "created_at")
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_uncertain_facts")]

    operations = [
        migrations.RunPython(start_clocks, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="detainee",
            name="proof_of_life_clock",
            field=models.DateTimeField(editable=False, verbose_name="without proof of life since"),
        ),
        RunSQLOnPostgres(APPEND_ONLY, APPEND_ONLY_REVERSE),
    ]
