/* Dashboard samplers: one thread per (user, server, database) samples the
 * server's statistics once a second for however many watchers, computes
 * per-second rates from the measured interval (right at any refresh rate),
 * and stops when the last watcher leaves. */
#ifndef TUSK_PG_SAMPLER_H
#define TUSK_PG_SAMPLER_H

#include <stdbool.h>
#include <stdint.h>

#include "pg/pool.h"

typedef struct samplers samplers;
typedef struct sampler sampler;

samplers *samplers_new(pgpool *pool, int interval_ms);
/* Ends every stream and waits (bounded) for the threads. */
void samplers_shutdown(samplers *ss, int timeout_ms);
void samplers_free(samplers *ss);
int samplers_running(samplers *ss);

/* Ends the samplers of user_id on server_id (0: every server): their
 * watchers see the stream closed. Returns how many. */
int samplers_stop_for(samplers *ss, int64_t user_id, int64_t server_id);
/* (user, server) of each running sampler, 2 per entry (free() *pairs). */
size_t samplers_holders(samplers *ss, int64_t **pairs);

/* Joins (starting it if needed) the sampler of (user, server, database); database NULL = the whole server. */
/* At most this many servers and databases sampled for one user at once. */
#define SAMPLERS_PER_USER 16
/* NULL when the user already has SAMPLERS_PER_USER others running. */
sampler *sampler_watch(samplers *ss, int64_t user_id, int64_t server_id, const char *database);
void sampler_unwatch(samplers *ss, sampler *s);
/* Waits for a sample newer than seq (or timeout); copies it (malloc'd JSON) and returns its seq.
 * *closed when the samplers are shutting down. */
uint64_t sampler_next(sampler *s, uint64_t seq, int timeout_ms, char **json, bool *closed);

#endif
