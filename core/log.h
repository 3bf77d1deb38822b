/* log: the one message format of every applet, the exit code table and
 * the error record that core functions fill instead of printing.
 *
 *   redwrap: cannot mount /nodes/app/usr: Permission denied
 *   redmanager: /n/etc/redpak.yaml:3:5: unknown key 'foo' in config
 */
#ifndef REDPAK_LOG_H
#define REDPAK_LOG_H

#include <stdnoreturn.h>

/* Exit codes, one meaning each (documented in README.md). A contained
 * program's own status passes through redwrap unchanged; 125-127 follow
 * the container convention so they are not confused with it. */
enum {
    EXIT_OK = 0,
    EXIT_FAIL = 1,         /* operation failed or refused, problems found */
    EXIT_USAGE = 2,        /* bad command line */
    EXIT_SETUP = 125,      /* redwrap could not set up the container */
    EXIT_CANNOT_EXEC = 126,/* program found but cannot be executed */
    EXIT_NOT_FOUND = 127,  /* program or applet not found */
};

/* Where a value came from: errors and provenance both use it. */
typedef struct source_pos {
    const char *file;
    int line, column; /* 1-based; 0 when unknown */
} source_pos_t;

/* Filled by core functions that can fail; the caller decides whether to
 * print and exit. */
typedef struct rp_error {
    int errnum;          /* errno of the cause, 0 if none */
    char message[1024];  /* complete message, without program name */
} rp_error_t;

/* All return -1 so callers can write `return error_set(err, ...)`. */
int error_set(rp_error_t *err, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends ": strerror(errnum)". */
int error_set_errno(rp_error_t *err, int errnum, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefixes "FILE:LINE:COLUMN: " (or "FILE: " without a position). */
int error_at(rp_error_t *err, const source_pos_t *pos, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

void log_set_program(const char *name);
const char *log_program(void);
extern int log_verbosity;

void warn(const char *format, ...) __attribute__((format(printf, 1, 2)));
void verbose(const char *format, ...) __attribute__((format(printf, 1, 2)));
/* "PROG: message" */
void error_print(const rp_error_t *err);
noreturn void fatal(int code, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
/* "PROG: message: strerror(errno)" */
noreturn void fatal_errno(int code, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
noreturn void fatal_error(int code, const rp_error_t *err);

#endif
