/* Files embedded in the binary at build time (scripts/embed.sh). */
#ifndef TUSK_UTIL_EMBED_H
#define TUSK_UTIL_EMBED_H

#include <stddef.h>

typedef struct {
	const char *name;
	const unsigned char *start;
	const unsigned char *end;
} embedded_file;

/* The built web app (build/web), with NAME.gz beside compressible files. */
extern const embedded_file embed_web[];
extern const size_t embed_web_count;
/* Store migrations, NNN_name.sql in order; the same numbers and names for both. */
extern const embedded_file embed_migrations_sqlite[];
extern const size_t embed_migrations_sqlite_count;
extern const embedded_file embed_migrations_postgres[];
extern const size_t embed_migrations_postgres_count;

#endif
