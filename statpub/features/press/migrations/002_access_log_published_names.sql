-- What may be published about each reader (display name and organisation), recorded with each
-- access, so the access list never has to name a login. Accounts themselves moved to the staff
-- feature; the tables `users`, `sessions` and `login_failures` of 001 are no longer used (the
-- staff feature copies their accounts once).
ALTER TABLE access_log ADD COLUMN display_name TEXT;
ALTER TABLE access_log ADD COLUMN organisation TEXT;
