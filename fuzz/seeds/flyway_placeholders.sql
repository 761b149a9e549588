4uCREATE ROLE ${dpr_user} WITH LOGIN PASSWORD '${dpr_password}' IN GROUP ro_group;
GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${dpr_user};
ALTER TABLE ${schema}.activity ADD COLUMN paid boolean NOT NULL DEFAULT false;
