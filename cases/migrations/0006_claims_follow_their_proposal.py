"""A claim accepted into a proposal (a death, four eyes) follows the second officer's decision.

Accepting such a claim proposes the death; the claim stays accepted, and the other open claims stay
open, until a second officer decides. Confirmed, the claim gets its status change (and the other
open claims are rejected); rejected, the claim is rejected with the second officer's reason. The
database allows exactly these two later writes on a decided claim, and only once the proposal that
cites it was decided; everything else stays decided once (0005).
"""

from django.db import migrations

from core.db import RunSQLOnPostgres

FORWARD = """
CREATE OR REPLACE FUNCTION cases_claim_decided_once() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    proposal_state text;
    column_name text;
    changed boolean;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'cases_claim rows are never deleted' USING ERRCODE = 'restrict_violation';
    END IF;
    FOREACH column_name IN ARRAY ARRAY['detainee_id', 'asserted_status', 'source', 'source_url', 'confidence',
                                        'occurred_at', 'channel_id', 'note', 'recorded_at', 'recorded_by_id',
                                        'recorded_by_token_id'] LOOP
        EXECUTE format('SELECT $1.%1$I IS DISTINCT FROM $2.%1$I', column_name) INTO changed USING OLD, NEW;
        IF changed THEN
            RAISE EXCEPTION '% of cases_claim % cannot change: only its decision is written', column_name, OLD.id
                USING ERRCODE = 'restrict_violation';
        END IF;
    END LOOP;
    IF OLD.state = 'open' THEN
        RETURN NEW;
    END IF;
    IF OLD.state = 'accepted' AND OLD.status_change_id IS NULL THEN
        SELECT p.state INTO proposal_state FROM cases_pendingstatuschange p WHERE p.claim_id = OLD.id
         ORDER BY p.proposed_at DESC LIMIT 1;
        IF proposal_state = 'confirmed' AND NEW.state = 'accepted' AND NEW.status_change_id IS NOT NULL
           AND NEW.ruled_by_id IS NOT DISTINCT FROM OLD.ruled_by_id AND NEW.ruled_at = OLD.ruled_at THEN
            RETURN NEW;
        END IF;
        IF proposal_state = 'rejected' AND NEW.state = 'rejected' AND NEW.status_change_id IS NULL THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'cases_claim % was decided already (%)', OLD.id, OLD.state USING ERRCODE = 'restrict_violation';
END
$$;
DROP TRIGGER IF EXISTS claim_decided_once ON cases_claim;
CREATE TRIGGER claim_decided_once BEFORE UPDATE OR DELETE ON cases_claim
    FOR EACH ROW EXECUTE FUNCTION cases_claim_decided_once();
"""
REVERSE = """
DROP TRIGGER IF EXISTS claim_decided_once ON cases_claim;
DROP FUNCTION IF EXISTS cases_claim_decided_once();
CREATE TRIGGER claim_decided_once BEFORE UPDATE OR DELETE ON cases_claim
    FOR EACH ROW EXECUTE FUNCTION cases_decided_once(
        'open', 'detainee_id', 'asserted_status', 'source', 'source_url', 'confidence', 'occurred_at',
        'channel_id', 'note', 'recorded_at', 'recorded_by_id', 'recorded_by_token_id');
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_uncertain_facts_rules")]

    operations = [RunSQLOnPostgres(FORWARD, REVERSE)]
