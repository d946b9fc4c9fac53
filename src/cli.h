/* The operator's commands beside the server (tusk user ...): they open the store the server
 * uses, change it, and exit. main.c dispatches to them. */
#ifndef TUSK_CLI_H
#define TUSK_CLI_H

#include "config.h"
#include "store/store.h"

/* Exit codes (sysexits.h's): a wrong command line, a setting that cannot work. */
enum { EXIT_USAGE = 64, EXIT_CONFIG = 78 };

/* Opens the store as the server would (the checks on the user and the data directory
 * included): 0, or the exit code with the reason logged. */
typedef int (*cli_open_store)(const config *cfg, store **out);

/* tusk user COMMAND ...: accounts from the command line (see cli_user.c's usage). */
int cli_user(int argc, char **argv, char **env, cli_open_store open_store);

#endif
