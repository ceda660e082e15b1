-- What the search of published replies looks in: question and reply (zh, en), normalised in
-- Python (NFKC, case-folded) when a reply is approved, so both engines find the same replies
-- (SQLite's lower() folds ASCII only, PostgreSQL's every script).
ALTER TABLE messages ADD COLUMN search_text TEXT;
UPDATE messages SET search_text = lower(coalesce(question_zh, '') || ' ' || coalesce(question_en, '') || ' ' ||
                                        coalesce(reply_zh, '') || ' ' || coalesce(reply_en, ''))
    WHERE reply_state = 'approved';
