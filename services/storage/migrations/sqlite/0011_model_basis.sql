-- Which version's utterances the intent model's slow parts (the embedding adapter and the
-- out-of-scope calibration) were fitted on: NULL means the version's own. A version that adds a
-- few utterances reuses its base's fit, so every node trains exactly what the gate checked.
ALTER TABLE bot_versions ADD COLUMN basis_version INTEGER;

-- The overview reads the running sums of 0010 since; these indexes only cost writes.
DROP INDEX IF EXISTS call_facts_by_day;
DROP INDEX IF EXISTS call_fact_labels_by_day;
