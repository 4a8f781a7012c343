-- SMTP servers quote the recipient in their refusals, and the reply was kept in the clear beside a sealed
-- recipient. The notifier now stores replies with every address replaced; this does the same for what was
-- stored before.
UPDATE outbox
SET server_reply = regexp_replace(server_reply, '[^[:space:]<>(),;"]+@[^[:space:]<>(),;"]+', '[address removed]', 'g'),
    last_error = regexp_replace(last_error, '[^[:space:]<>(),;"]+@[^[:space:]<>(),;"]+', '[address removed]', 'g')
WHERE server_reply LIKE '%@%' OR last_error LIKE '%@%';
