/* Linked into every binary of the asan preset (HEARTH_SANITIZE): the leak reports LeakSanitizer
 * must not make, compiled in so that every process has them, also sandboxed driver workers that
 * cannot open a suppressions file.
 *
 * libpaho-mqtt3as: every process that builds MQTT 5 connect options (hearthd, the bridge and
 * connect-plan unit tests) ends with 0.9-1.4 KB in 6-9 blocks allocated inside Paho C's own heap
 * tracker and never freed; the stacks end inside the library (Debian builds it without frame
 * pointers), so the owner was not found. Everything Hearth allocates stays checked. */
const char* __lsan_default_suppressions(void);
const char* __lsan_default_suppressions(void) { return "leak:libpaho-mqtt3as.so\n"; }
