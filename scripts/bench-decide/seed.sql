-- Requested visits for scripts/bench-decide.sh, made directly in SQL (tens of thousands in seconds rather than minutes
-- through the API). Each is a copy of a TEMPLATE visit created through POST /api/v1/visits -- the same rows the API
-- writes (visit, its visitors, its state change to "requested"), whatever columns they have -- with its own id,
-- reference and token hash, state "requested" at version 0, and ONE chosen slot from bench_slot.
--
-- psql variables:
--   tpl   the template visit's id
--   tbl   a table for this set of visits: (n, id, k) of the visits made
--   n     how many visits
--   hot   0: each visit chooses a random slot of bench_slot; otherwise k of the one slot they all choose
--   base  first number for the references (sets must not overlap)
-- Needs table bench_slot(k int, slot_date date, start_time time, end_time time), k = 1..count.
\set ON_ERROR_STOP on
BEGIN;
CREATE TABLE :tbl AS
  SELECT g AS n,
         gen_random_uuid() AS id,
         CASE WHEN :hot = 0 THEN 1 + floor(random() * (SELECT count(*) FROM bench_slot))::int ELSE :hot END AS k
  FROM generate_series(1, :n) g;

INSERT INTO visit
  SELECT (jsonb_populate_record(NULL::visit, to_jsonb(t) || jsonb_build_object(
            'id', b.id,
            'reference', 'B' || lpad(to_hex(:base + b.n), 7, '0'),
            'token_hash', encode(sha256(convert_to(b.id::text || ':bench', 'UTF8')), 'hex'),
            'state', 'requested',
            'version', 0,
            'booked_date', NULL, 'booked_start', NULL, 'booked_end', NULL,
            'booking_reference', NULL, 'cancellation_reason', NULL))).*
  FROM visit t CROSS JOIN :tbl b
  WHERE t.id = :'tpl';

INSERT INTO visitor
  SELECT (jsonb_populate_record(NULL::visitor, to_jsonb(x) || jsonb_build_object('visit_id', b.id))).*
  FROM visitor x CROSS JOIN :tbl b
  WHERE x.visit_id = :'tpl';

INSERT INTO visit_slot_choice
  SELECT (jsonb_populate_record(NULL::visit_slot_choice, to_jsonb(c) || jsonb_build_object(
            'visit_id', b.id, 'rank', 0,
            'slot_date', s.slot_date, 'start_time', s.start_time, 'end_time', s.end_time))).*
  FROM visit_slot_choice c CROSS JOIN :tbl b JOIN bench_slot s ON s.k = b.k
  WHERE c.visit_id = :'tpl' AND c.rank = 0;

INSERT INTO visit_state_change
  SELECT (jsonb_populate_record(NULL::visit_state_change, to_jsonb(h) || jsonb_build_object('visit_id', b.id))).*
  FROM visit_state_change h CROSS JOIN :tbl b
  WHERE h.visit_id = :'tpl' AND h.version = 0;
COMMIT;
ANALYZE visit;
ANALYZE visitor;
ANALYZE visit_slot_choice;
ANALYZE visit_state_change;
