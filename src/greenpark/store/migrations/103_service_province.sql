-- An authority user is bound to the province it oversees (issue 20): it reads every park whose park.province
-- names the same province. NULL for every other role (and for an authority bound to one park by park_id).
ALTER TABLE service_users ADD COLUMN province VARCHAR;
