/* The kernel's mount tables (see mounts.h). */
#include "mounts.h"

void mounts_unescape(char *field)
{
    char *out = field;
    for (const char *in = field; *in; out++) {
        if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' &&
            in[2] <= '7' && in[3] >= '0' && in[3] <= '7') {
            *out = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 + in[3] - '0');
            in += 4;
        } else {
            *out = *in++;
        }
    }
    *out = '\0';
}
