/* tusk doctor: the checks of pgAdmin's troubleshooting runbook, run where Tusk runs
 * (kubectl exec deployment/NAME -- tusk doctor), one line per check with its fix:
 * the data volume (permission denied), the administrator's Secret (secret errors), each
 * registered server's DNS and TCP (connection failures) and PostgreSQL login and the
 * administrator's account (login failures), and the metadata store. Reads; changes nothing
 * but a probe file it removes at once. */
#ifndef TUSK_DOCTOR_DOCTOR_H
#define TUSK_DOCTOR_DOCTOR_H

#include <stdio.h>

#include "config.h"

/* cfg may be NULL when the settings could not be read: config_error then says why (a secret
 * file that cannot be read, most often) and only what needs no settings is checked.
 * Returns the number of problems found. */
int doctor_run(const config *cfg, const char *config_error, char *const *envp, FILE *out);

#endif
