#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *program_name = "redpak";
int log_verbosity;

void log_set_program(const char *name)
{
    program_name = name;
}

const char *log_program(void)
{
    return program_name;
}

static void error_vformat(rp_error_t *err, const char *prefix,
                          const char *format, va_list args)
{
    size_t used = 0;
    if (prefix)
        used = (size_t)snprintf(err->message, sizeof err->message, "%s", prefix);
    if (used < sizeof err->message)
        vsnprintf(err->message + used, sizeof err->message - used, format, args);
}

int error_set(rp_error_t *err, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    err->errnum = 0;
    error_vformat(err, NULL, format, args);
    va_end(args);
    return -1;
}

int error_set_errno(rp_error_t *err, int errnum, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    err->errnum = errnum;
    error_vformat(err, NULL, format, args);
    va_end(args);
    size_t used = strlen(err->message);
    snprintf(err->message + used, sizeof err->message - used, ": %s",
             strerror(errnum));
    return -1;
}

int error_at(rp_error_t *err, const source_pos_t *pos, const char *format, ...)
{
    char prefix[512];
    if (pos && pos->file && pos->line > 0)
        snprintf(prefix, sizeof prefix, "%s:%d:%d: ", pos->file, pos->line,
                 pos->column);
    else if (pos && pos->file)
        snprintf(prefix, sizeof prefix, "%s: ", pos->file);
    else
        prefix[0] = '\0';
    va_list args;
    va_start(args, format);
    err->errnum = 0;
    error_vformat(err, prefix, format, args);
    va_end(args);
    return -1;
}

/* One write per message so lines from concurrent processes never mix. */
static void log_vprint(const char *kind, const char *format, va_list args,
                       int errnum)
{
    char line[2048];
    int used = snprintf(line, sizeof line, "%s: %s", program_name, kind);
    if (used < 0 || (size_t)used >= sizeof line)
        used = 0;
    int more = vsnprintf(line + used, sizeof line - (size_t)used, format, args);
    if (more > 0)
        used = (size_t)(used + more) < sizeof line ? used + more
                                                   : (int)sizeof line - 1;
    if (errnum)
        used += snprintf(line + used, sizeof line - (size_t)used, ": %s",
                         strerror(errnum));
    if ((size_t)used >= sizeof line - 1)
        used = (int)sizeof line - 2;
    line[used++] = '\n';
    ssize_t ignored = write(STDERR_FILENO, line, (size_t)used);
    (void)ignored;
}

void warn(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    log_vprint("warning: ", format, args, 0);
    va_end(args);
}

void verbose(const char *format, ...)
{
    if (!log_verbosity)
        return;
    va_list args;
    va_start(args, format);
    log_vprint("", format, args, 0);
    va_end(args);
}

static void log_print(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    log_vprint("", format, args, 0);
    va_end(args);
}

void error_print(const rp_error_t *err)
{
    log_print("%s", err->message);
}

void fatal(int code, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    log_vprint("", format, args, 0);
    va_end(args);
    exit(code);
}

void fatal_errno(int code, const char *format, ...)
{
    int errnum = errno;
    va_list args;
    va_start(args, format);
    log_vprint("", format, args, errnum);
    va_end(args);
    exit(code);
}

void fatal_error(int code, const rp_error_t *err)
{
    error_print(err);
    exit(code);
}
