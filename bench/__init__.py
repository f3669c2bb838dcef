"""`make bench`: the performance figures of DESIGN.md, measured on PostgreSQL (figures, not pass/fail)."""
