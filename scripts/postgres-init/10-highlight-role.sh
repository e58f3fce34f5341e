#!/bin/sh
# Highlight's own role and database, made once, when the PostgreSQL volume is first created
# (the postgres image runs /docker-entrypoint-initdb.d/* then, as its superuser).
#
# The role owns its database and nothing else: it is not a superuser, and cannot create
# roles or databases. Whatever Highlight runs, or is tricked into running, stays inside its
# own database: no COPY ... TO PROGRAM, no untrusted languages, no reading the server's
# files. Highlight needs no more: migrations, backups and restores run as this role.
set -eu
: "${HIGHLIGHT_DB_PASSWORD:?set HIGHLIGHT_DB_PASSWORD}"
role="${HIGHLIGHT_DB_USER:-highlight}"
database="${HIGHLIGHT_DB_NAME:-highlight}"
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  -v role="$role" -v database="$database" -v password="$HIGHLIGHT_DB_PASSWORD" <<'SQL'
CREATE ROLE :"role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'password';
CREATE DATABASE :"database" OWNER :"role";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"database" TO :"role";
SQL
