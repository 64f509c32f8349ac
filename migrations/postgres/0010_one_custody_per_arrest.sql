-- An arrest opens one custody episode: at most one custody record names it (see
-- custos_store::records::one_custody_record_per_arrest, which gives the clear message; this
-- index holds the rule against concurrent writers).
CREATE UNIQUE INDEX record_ref_one_custody_per_arrest ON record_ref (target_id) WHERE field = 'arrest';
