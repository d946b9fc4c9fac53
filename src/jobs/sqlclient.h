/* Tusk's own client program for the jobs that psql ran before: a plain SQL
 * script's restore, maintenance (VACUUM, ANALYZE, REINDEX, CLUSTER) and
 * COPY to or from a file. It is the tusk binary run as a job's child
 * (`tusk sql-client ...`), so it has the job's scrubbed environment and
 * process group, and talks to PostgreSQL through libpq alone:
 * - a script runs statement by statement, split as psql splits it; of psql's
 *   meta-commands it runs only what pg_dump and pg_dumpall write (\connect to
 *   a database of the same server, \restrict, \unrestrict) and refuses every
 *   other one before any statement runs, so no file a user uploads reaches a
 *   shell, a file or a variable of the host;
 * - maintenance and COPY statements are built here from the names given as
 *   separate arguments, quoted by libpq on the live connection (whatever its
 *   standard_conforming_strings and encoding), never from script text.
 * Exit codes: 0 done, 1 bad arguments or a refused script, 2 no connection,
 * 3 a statement failed and the run stopped, 130 cancelled. */
#ifndef TUSK_JOBS_SQLCLIENT_H
#define TUSK_JOBS_SQLCLIENT_H

/* The subcommand: argv[1] is "sql-client". */
#define JOBS_SQLCLIENT_COMMAND "sql-client"

int jobs_sqlclient_main(int argc, char **argv);

#endif
