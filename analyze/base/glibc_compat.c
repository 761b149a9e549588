/* libpg_query from Debian unstable is compiled against glibc 2.38 or later: with C23 in effect,
 * glibc's headers route strtol and friends to __isoc23_* (which also accept "0b" prefixes), and
 * PostgreSQL's port library expects the system's strlcpy. Debian 12's glibc 2.36 has neither, so
 * this file, built only when strlcpy is missing, provides them. The parser only ever reads decimal,
 * octal and hexadecimal with these, so the classic functions give the same results. */
#include <stdlib.h>
#include <string.h>

long __isoc23_strtol(const char* s, char** end, int base) { return strtol(s, end, base); }
unsigned long __isoc23_strtoul(const char* s, char** end, int base) { return strtoul(s, end, base); }
long long __isoc23_strtoll(const char* s, char** end, int base) { return strtoll(s, end, base); }
unsigned long long __isoc23_strtoull(const char* s, char** end, int base) { return strtoull(s, end, base); }

/* BSD strlcpy: copies at most size - 1 bytes, always terminates (when size > 0), returns strlen(src). */
size_t strlcpy(char* dst, const char* src, size_t size) {
    size_t length = strlen(src);
    if (size > 0) {
        size_t n = length < size - 1 ? length : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return length;
}
